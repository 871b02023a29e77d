"""Bounded candidate sets: a search ranks at most the newest CANDIDATES matches by BM25.

Below the bound the hits are those of the exhaustive ranking (every match scored); above it
they are the exhaustive ranking restricted to the newest matches. Updates and re-extraction
keep both in step, since both read the same FTS5 index and fact tables.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db import search as search_mod
from db.search import BM25_WEIGHTS, CANDIDATES, SearchHit, to_fts_query
from db.store import Store
from pipeline.models import Article, ArticleFacts, Official, Provenance
from store_bench import store_benchmark

WIB = dt.timezone(dt.timedelta(hours=7))
P = Provenance(0, 10, "kalimat", "warta.test", "1.0")


def expected(conn: sqlite3.Connection, query: str, cap: int, limit: int = 20, extra: str = "",
             params: tuple[object, ...] = ()) -> list[tuple[float, int]]:
    """The exhaustive BM25 ranking of every match, kept to the newest ``cap`` matches, as
    (rank, id) with equal ranks in id order."""
    rows = conn.execute(
        f"SELECT rowid, bm25(articles_fts, ?, ?) FROM articles_fts WHERE articles_fts MATCH ? {extra} ORDER BY rowid DESC",
        (*BM25_WEIGHTS, to_fts_query(query), *params),
    ).fetchall()
    return sorted((float(f"{rank:.12g}"), i) for i, rank in rows[:cap])[:limit]


def ranked(hits: list) -> list[tuple[float, int]]:  # type: ignore[type-arg]
    """Hits as (rank, id), equal ranks in id order (SQLite leaves their order open)."""
    return sorted((float(f"{h.rank:.12g}"), h.article_id) for h in hits)


def same(a: list[tuple[float, int]], b: list[tuple[float, int]]) -> bool:
    """The same ranks, and the same articles but for those tied with the last one kept (which
    of several equal articles make the cut is open)."""
    if [r for r, _ in a] != [r for r, _ in b]:
        return False
    last = a[-1][0] if a else None
    return [x for x in a if x[0] != last] == [x for x in b if x[0] != last]


def bounded(candidates: int | None, store: Store, query: str, **filters: Any) -> list[SearchHit]:
    """``store.search`` with ``db.search.CANDIDATES`` set to ``candidates`` (None: rank every match)."""
    saved = search_mod.CANDIDATES
    search_mod.CANDIDATES = candidates
    try:
        return store.search(query, **filters)
    finally:
        search_mod.CANDIDATES = saved


def ids(hits: list) -> list[int]:  # type: ignore[type-arg]
    return [h.article_id for h in hits]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[str]]:
    """1,500 articles of the benchmark's generator and queries of each of its kinds."""
    bench = store_benchmark()
    corpus = bench.Corpus()
    store = Store(tmp_path_factory.mktemp("generated") / "warta.db")
    for _ in store.load_many([corpus.article(n) for n in range(1500)]):
        pass
    vocab = corpus.vocab
    queries = vocab[:30] + vocab[300:330] + [" ".join(vocab[100 + i:102 + i]) for i in range(0, 40, 2)]
    queries += [r[0].split()[-1] for r in corpus.regions[:10]] + [w[:5] + "*" for w in vocab[400:410]]
    texts = [t.split() for (t,) in store.conn.execute("SELECT text FROM articles WHERE id % 97 = 0")]
    queries += ['"' + " ".join(w.strip(".,") for w in words[5:7 + i % 2]) + '"' for i, words in enumerate(texts)]
    return store, queries


def test_same_hits_as_exhaustive_ranking_below_the_bound(generated: tuple[Store, list[str]]) -> None:
    store, queries = generated
    compared = 0
    for q in queries:
        n = store.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               (to_fts_query(q),)).fetchone()[0]
        assert CANDIDATES is not None and n <= CANDIDATES  # 1,500 articles: never truncated at the default bound
        assert same(ranked(store.search(q)), ranked(bounded(None, store, q))), q
        compared += n > 0
    assert compared >= 80


def test_above_the_bound_the_newest_matches_are_ranked(generated: tuple[Store, list[str]]) -> None:
    store, queries = generated
    truncated = 0
    for q in queries:
        n = store.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               (to_fts_query(q),)).fetchone()[0]
        hits = ranked(bounded(100, store, q))
        assert same(hits, expected(store.conn, q, 100)), q
        if n <= 100:
            assert same(hits, ranked(bounded(None, store, q))), q
        else:
            truncated += 1
    assert truncated >= 30  # the common words, most topical words and some phrases


def test_filters_count_towards_the_bound(generated: tuple[Store, list[str]]) -> None:
    store, _ = generated
    outlet = "sumeks.co"
    hits = bounded(50, store, "bupati", outlet=outlet)
    assert hits and all(h.outlet == outlet for h in hits)
    assert same(ranked(hits), expected(store.conn, "bupati", 50, extra="AND rowid IN (SELECT id FROM articles WHERE outlet = ?)",
                                 params=(outlet,)))


def test_a_limit_above_the_bound_still_fills(generated: tuple[Store, list[str]]) -> None:
    store, _ = generated
    assert len(bounded(10, store, "bupati", limit=30)) == 30


def _article(n: int, text: str) -> Article:
    url = f"https://sumsel.tribunnews.com/berita-{n}"
    return Article(url=url, canonical_url=url, outlet="sumsel.tribunnews.com", title=f"Berita {n}",
                   paragraphs=[text], published=dt.datetime(2020, 1, 1, tzinfo=WIB) + dt.timedelta(days=n))


def test_updates_and_reextraction_keep_candidates_in_step(db_path: Path) -> None:
    store = Store(db_path)
    for n in range(1, 31):
        store.load(_article(n, f"Banjir melanda desa {n}. " + "Warga mengungsi karena banjir. " * (n % 4)
                            + "Hujan turun. " * n), ArticleFacts())
    before = bounded(10, store, "banjir", limit=5)
    assert same(ranked(before), expected(store.conn, "banjir", 10, limit=5))
    assert set(ids(before)) <= set(range(21, 31))

    # the newest article no longer says banjir: it leaves the candidates, the eleventh newest joins
    store.load(_article(30, "Jalan rusak di desa 30."), ArticleFacts())
    after = bounded(10, store, "banjir", limit=5)
    assert 30 not in ids(after) and same(ranked(after), expected(store.conn, "banjir", 10, limit=5))
    assert set(ids(after)) <= set(range(20, 30)) and 20 in {r[0] for r in store.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'banjir' ORDER BY rowid DESC LIMIT 10")}
    # an older article now says it often, with the title: it is ranked, not skipped
    store.load(_article(25, "Banjir banjir banjir besar di desa 25."), ArticleFacts())
    assert ids(bounded(10, store, "banjir", limit=5))[0] == 25
    store.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")

    # re-extraction names a person in articles 3 and 28: the filtered search follows
    def extract(text: str, published: dt.datetime | None) -> ArticleFacts:
        named = "desa 3." in text or "desa 28." in text
        return ArticleFacts(officials=[Official("Ahmad Yani", "bupati", "Kabupaten Muara Enim", "Ahmad Yani", P)]
                            if named else [])

    assert bounded(10, store, "banjir", person="Ahmad Yani", limit=5) == []
    store.reextract(extract, "2.0")
    assert sorted(ids(bounded(10, store, "banjir", person="Ahmad Yani", limit=5))) == [3, 28]
    assert sorted(ids(bounded(None, store, "banjir", person="Ahmad Yani", limit=5))) == [3, 28]
    store.close()


@pytest.mark.parametrize("set_max", [0, 10**9])
def test_filters_read_as_sets_or_looked_up_per_match_give_the_same_hits(
    generated: tuple[Store, list[str]], set_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #16: a large filter is checked per match (index look-up), a small one read as a set;
    both keep the newest matches that pass it, ranked as the exhaustive ranking ranks them."""
    store, _ = generated
    bench = store_benchmark()
    corpus = bench.Corpus()
    person, place = corpus.people[0][0], corpus.regions[0][0]
    person_ids = store.conn.execute(
        "SELECT article_id FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE name = ?)", (person,)
    ).fetchall()
    assert person_ids
    monkeypatch.setattr(search_mod, "FILTER_SET_MAX", set_max)
    cases: list[tuple[str, dict[str, Any], str, tuple[object, ...]]] = [
        ("bupati", {"outlet": "sumeks.co"}, "AND rowid IN (SELECT id FROM articles WHERE outlet = ?)", ("sumeks.co",)),
        ("bupati", {"outlet": "tribunnews.com"},
         "AND rowid IN (SELECT id FROM articles WHERE outlet LIKE '%.tribunnews.com')", ()),
        ("jalan", {"since": "2017-01-03", "until": "2017-01-09"},
         "AND rowid IN (SELECT id FROM articles WHERE published_utc >= ? AND published_utc < ?)",
         ("2017-01-03", "2017-01-10")),
        ("kota", {"person": person},
         "AND rowid IN (SELECT article_id FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE name = ?))",
         (person,)),
        ("warga", {"place": place, "outlet": "sumsel.tribunnews.com"},
         "AND rowid IN (SELECT article_id FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE name = ?)) "
         "AND rowid IN (SELECT id FROM articles WHERE outlet = ?)", (place, "sumsel.tribunnews.com")),
    ]
    for query, filters, extra, params in cases:
        for cap in (50, None):
            hits = bounded(cap, store, query, **filters)
            assert hits, (query, filters)
            assert same(ranked(hits), expected(store.conn, query, cap or 10**9, extra=extra, params=params)), (query, filters)
    assert bounded(50, store, "bupati", outlet="example.com") == []


def test_mention_counts_follow_loads_updates_merges_and_reextraction(db_path: Path) -> None:
    """Issue #16: entity pages and lookups read per-entity mention counts kept by triggers; they
    must equal a count of the mentions after every kind of write."""
    store = Store(db_path)

    def check() -> None:
        counted = store.conn.execute(
            "SELECT entity_id, coalesce(reason, ''), count(*) FROM mentions GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        kept = store.conn.execute("SELECT entity_id, reason, n FROM entity_mention_counts ORDER BY 1, 2").fetchall()
        assert kept == counted

    def officials(*names: str) -> ArticleFacts:
        return ArticleFacts(officials=[Official(n, "bupati", "Kabupaten Muara Enim", n, P) for n in names])

    store.load(_article(1, "Bupati Yani membuka rapat."), officials("Yani"))
    check()
    # the full name arrives: the surname-only entity may be merged into it (an UPDATE of mentions)
    store.load(_article(2, "Bupati Ahmad Yani meninjau jalan."), officials("Ahmad Yani", "Herman Deru"))
    store.load(_article(3, "Bupati Ahmad Yani dan Herman Deru."), officials("Ahmad Yani", "Herman Deru"))
    check()
    # a changed article replaces its facts (DELETE then INSERT)
    store.load(_article(3, "Herman Deru saja."), officials("Herman Deru"))
    check()
    store.reextract(lambda text, published: officials("Ahmad Yani") if "Yani" in text else ArticleFacts(), "3.0")
    check()
    store.replace_facts(2, ArticleFacts())
    check()
    report = store.entity("Ahmad Yani")
    assert report is not None and report.n_mentions == sum(n for _, n in report.link_reasons) == store.conn.execute(
        "SELECT count(*) FROM mentions WHERE entity_id = ?", (report.id,)).fetchone()[0]
    store.conn.execute("DELETE FROM articles WHERE id = 1")  # facts go by cascade
    check()
    store.close()


def test_entity_articles_walked_by_date_or_gathered_agree(generated: tuple[Store, list[str]]) -> None:
    """Issue #16: a popular entity's first articles are found by walking articles in date order,
    a rare one's by reading all of its articles; both give the oldest ones, in date order."""
    from db import reports

    store, _ = generated
    walked = 0
    for (entity_id,) in store.conn.execute("SELECT id FROM entities").fetchall():
        want = [r[0] for r in store.conn.execute(
            "SELECT id FROM articles WHERE id IN (SELECT article_id FROM mentions WHERE entity_id = ?) "
            "ORDER BY coalesce(published_utc, ''), id LIMIT ?", (entity_id, reports.MAX_ARTICLES))]
        n = store.conn.execute("SELECT count(*) FROM mentions WHERE entity_id = ?", (entity_id,)).fetchone()[0]
        walked += n * n >= reports.MAX_ARTICLES * 1500
        for forced in (0, 10**9):  # each way, whatever the entity's size
            assert [a.id for a in reports._entity_articles(store.conn, entity_id, forced)] == want
    assert walked >= 5
