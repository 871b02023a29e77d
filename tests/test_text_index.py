"""The Tantivy index beside the store (db/text_index.py): in step with SQLite after every kind of
change, searched when in step, FTS5 otherwise; real store files and a real index folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import search as search_mod
from db import text_index
from db.store import Store
from pipeline.cli import cli
from pipeline.models import ArticleFacts
from store_bench import store_benchmark

pytest.importorskip("tantivy", reason="the tantivy package (extra 'tantivy') is not installed")

N_ARTICLES = 400


@pytest.fixture(scope="module")
def corpus_items() -> list:  # type: ignore[type-arg]
    corpus = store_benchmark().Corpus(seed=3)
    return [corpus.article(n) for n in range(N_ARTICLES + 50)]


@pytest.fixture()
def store(tmp_path: Path, corpus_items: list) -> Iterator[Store]:  # type: ignore[type-arg]
    s = Store(tmp_path / "w.db")
    for _ in s.load_many(corpus_items[:N_ARTICLES]):
        pass
    assert s.rebuild_text_index() == N_ARTICLES
    yield s
    s.close()


def in_step(s: Store) -> bool:
    """The index holds exactly the store's articles and no change is queued."""
    index = s.text_index()
    assert index is not None
    queued = s.conn.execute("SELECT count(*) FROM text_index_changes").fetchone()[0]
    return queued == 0 and text_index.same_ids(index, s.conn)


def hit_ids(s: Store, query: str, *, through_index: bool, **filters: object) -> list[int]:
    index = s.text_index() if through_index else None
    return [h.article_id for h in search_mod.search(s.conn, query, limit=1000, text_index=index, **filters)]  # type: ignore[arg-type]


def test_rebuild_then_loads_keep_it_in_step(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    assert in_step(store)
    for _ in store.load_many(corpus_items[N_ARTICLES:]):
        pass
    assert in_step(store)
    art, facts = corpus_items[N_ARTICLES + 10]
    assert store.load(dataclasses.replace(art, canonical_url=art.canonical_url + "?x"), facts).status == "inserted"
    assert in_step(store)


def test_syncs_merge_segments_instead_of_adding_one_each(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    # one load (one sync, one commit) per article: without the merges a commit starts, 40 segments
    for art, facts in corpus_items[N_ARTICLES:N_ARTICLES + 40]:
        assert store.load(art, facts).status == "inserted"
    assert in_step(store)
    index = store.text_index()
    assert index is not None
    assert index.searcher().num_segments <= 12


def test_an_updated_text_is_found_by_its_new_words_only(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    art, facts = corpus_items[5]
    changed = dataclasses.replace(art, paragraphs=["Zyxwvut kata baru di sini."], title="Judul qwertyuiop")
    assert store.load(changed, facts).status == "updated"
    assert in_step(store)
    article_id = store.conn.execute("SELECT id FROM articles WHERE canonical_url = ?", (art.canonical_url,)).fetchone()[0]
    assert hit_ids(store, "zyxwvut", through_index=True) == [article_id]
    assert hit_ids(store, "qwertyuiop", through_index=True) == [article_id]
    old_words = art.title.split()[0]
    assert article_id not in hit_ids(store, f'"{art.title}"', through_index=True), old_words


def test_reextract_and_duplicate_links_leave_it_in_step(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    counts = store.reextract(lambda text, published: ArticleFacts(), "9.9")
    assert counts["articles"] == N_ARTICLES
    assert in_step(store)
    # a near-copy of a stored article is linked to it (articles.duplicate_of changes on both sides)
    art, facts = corpus_items[7]
    copy = dataclasses.replace(art, canonical_url=art.canonical_url + "-copy",
                               paragraphs=[*art.paragraphs, "Editor: Budi"])
    assert store.load(copy, facts).duplicate_of is not None
    assert in_step(store)


def test_deleted_articles_leave_the_index(store: Store, tmp_path: Path) -> None:
    store.conn.execute("DELETE FROM articles WHERE id IN (3, 4, 200)")  # facts go by cascade
    assert store.conn.execute("SELECT count(*) FROM text_index_changes").fetchone()[0] == 3
    # queued, not yet applied: searches take the FTS5 path and never return a deleted article
    hits = store.search("pemerintah", limit=1000)
    assert not {3, 4, 200} & {h.article_id for h in hits}
    store.close()
    reopened = Store(tmp_path / "w.db")  # a writable open applies the queue
    try:
        assert in_step(reopened)
        assert not {3, 4, 200} & set(reopened.text_index().ids())  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_reapplying_a_queue_changes_nothing(store: Store) -> None:
    """A crash after the index commit and before the queue rows are deleted re-applies them."""
    store.conn.execute("INSERT INTO text_index_changes (article_id) SELECT id FROM articles WHERE id <= 50")
    index = store.text_index()
    assert index is not None
    assert index.sync(store.conn) == 50
    assert in_step(store)
    assert index.searcher().num_docs == N_ARTICLES


def test_filtered_searches_match_the_fts5_path(store: Store) -> None:
    """Below the candidate bound both paths find the same articles for every filter."""
    row = store.conn.execute(
        "SELECT e.name FROM entities e JOIN entity_mention_counts c ON c.entity_id = e.id "
        "WHERE e.kind = 'person' GROUP BY e.id ORDER BY sum(c.n) DESC LIMIT 1").fetchone()
    cases: list[tuple[str, dict[str, object]]] = [
        ("pemerintah", {}),
        ("kabupaten OR kota", {}),
        ('"kepala dinas"', {}),
        ("bupa*", {}),
        ("pemerintah -banjir", {}),
        ("pemerintah", {"outlet": "tribunnews.com"}),
        ("pemerintah", {"since": "2017-01-02", "until": "2017-01-03"}),
        ("pemerintah", {"person": row[0]}),
        ("pemerintah", {"outlet": "nowhere.example"}),
    ]
    for query, filters in cases:
        fts = hit_ids(store, query, through_index=False, **filters)
        assert len(fts) < search_mod.CANDIDATES  # type: ignore[operator]
        assert sorted(hit_ids(store, query, through_index=True, **filters)) == sorted(fts), (query, filters)


def test_a_locked_index_leaves_changes_queued_and_searches_on_fts5(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    index = store.text_index()
    assert index is not None
    index.close()
    other = text_index.TextIndex(index.path)
    holder = other.writer()  # another writer holds the folder's lock
    art, facts = corpus_items[N_ARTICLES + 1]
    store.load(art, facts)
    assert store.conn.execute("SELECT count(*) FROM text_index_changes").fetchone()[0] == 1
    new_id = store.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    word = art.title.split()[0].lower()
    assert new_id in [h.article_id for h in store.search(f'"{art.title}"')]  # the FTS5 path has it
    del holder
    other.close()
    store.load(*corpus_items[N_ARTICLES + 2])  # the next commit applies both
    assert in_step(store), word


def test_reindex_command_builds_and_drops(tmp_path: Path, corpus_items: list) -> None:  # type: ignore[type-arg]
    path = tmp_path / "c.db"
    s = Store(path)
    for _ in s.load_many(corpus_items[:30]):
        pass
    s.close()
    result = CliRunner().invoke(cli, ["reindex", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "30 articles" in result.output
    assert (text_index.index_path(path) / "meta.json").is_file()
    s = Store(path)
    try:
        assert in_step(s)
    finally:
        s.close()
    result = CliRunner().invoke(cli, ["reindex", "--db", str(path), "--drop"])
    assert result.exit_code == 0, result.output
    assert not text_index.index_path(path).exists()
    s = Store(path)
    try:
        assert s.text_index() is None
        assert not text_index.enabled(s.conn)
        assert s.search("pemerintah")
    finally:
        s.close()


def test_time_keys_order_as_the_iso_strings() -> None:
    stamps = ["0000", "2017-01-01", "2017-01-01T00:00:00", "2017-01-01T07:30:05", "2019-12-31T23:59:59",
              "9999-12-31T99"]
    keys = [text_index.time_key(t) for t in stamps]
    assert keys == sorted(keys)
    assert text_index.time_key(None) is None


def test_the_search_page_goes_through_the_index(store: Store) -> None:
    from db.webui import home_page, store_text_index

    index = store_text_index(store.path)
    assert index is not None and store_text_index(store.path) is index  # opened once
    args = {"q": "pemerintah", "outlet": "tribunnews.com"}
    through = home_page(store.conn, args, index)["hits"]
    assert through and {h["article_id"] for h in through} <= set(
        hit_ids(store, "pemerintah", through_index=True, outlet="tribunnews.com"))
    assert [h["article_id"] for h in through] == [
        h.article_id for h in search_mod.search(store.conn, "pemerintah", limit=len(through), text_index=index,
                                                outlet="tribunnews.com")]


def test_an_index_dropped_by_another_process_does_not_fail_loads(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    other = Store(store.path)
    other.drop_text_index()
    other.close()
    assert store.load(*corpus_items[N_ARTICLES + 3]).status == "inserted"
    assert store.text_index() is None
    assert store.search("pemerintah")


def test_two_writers_of_one_store_take_turns_with_the_index(store: Store, corpus_items: list) -> None:  # type: ignore[type-arg]
    """Each sync lets go of the index's writer lock, so a second process's loads are applied too."""
    other = Store(store.path)
    try:
        for i in range(4):
            writer = store if i % 2 == 0 else other
            assert writer.load(*corpus_items[N_ARTICLES + 20 + i]).status == "inserted"
            assert writer.conn.execute("SELECT count(*) FROM text_index_changes").fetchone()[0] == 0
        assert in_step(store) and in_step(other)
    finally:
        other.close()
