"""Loading into the knowledge store: idempotence, updates, rollback, duplicates, runs, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import threading
import zlib
from pathlib import Path

import pytest

from db.exceptions import CorruptStoreError, ExportError, LoadError, StoreError, StoreNotFoundError
from db.store import Store, is_outdated
from pipeline.models import (
    Article,
    ArticleFacts,
    DateMention,
    Institution,
    Official,
    Place,
    ProgrammeParticipant,
    ProgrammeStage,
    Provenance,
    format_versions,
    parse_versions,
)

WIB = dt.timezone(dt.timedelta(hours=7))

BODY = [
    "Bupati Muara Enim Ir. H. Ahmad Yani, MM menerima penghargaan Gerakan Menuju 100 Smart City "
    "Tahap 3 Tahun 2019 dari Kementerian Komunikasi dan Informatika di Jakarta, Selasa (14/5/2019).",
    "Menurut Yani, penghargaan itu menjadi pemacu bagi Pemerintah Kabupaten Muara Enim untuk terus "
    "membangun layanan publik berbasis teknologi informasi bagi seluruh warga di 22 kecamatan.",
    "Kabupaten Muara Enim terpilih bersama puluhan kabupaten dan kota lain setelah melalui tahap "
    "penilaian dokumen masterplan smart city oleh tim ahli dari berbagai perguruan tinggi.",
]


def prov(start: int = 0, end: int = 10, version: str = "1.0") -> Provenance:
    return Provenance(start, end, "kalimat", "warta.test", version)


def article(n: int = 1, *, paragraphs: list[str] | None = None, title: str | None = None,
            outlet: str = "sumsel.tribunnews.com", published: dt.datetime | None = None,
            canonical: str | None = None, html: bytes | None = None) -> Article:
    url = canonical or f"https://{outlet}/2019/05/14/berita-{n}"
    return Article(
        url=url + "?utm_source=x",
        canonical_url=url,
        outlet=outlet,
        title=title or f"Muara Enim raih penghargaan smart city {n}",
        paragraphs=paragraphs or [f"{p} Berita nomor {n}." for p in BODY],
        authors=["Welly Hadinata"],
        editor="Prawira",
        published=published or dt.datetime(2019, 5, 14, 10, 30, tzinfo=WIB),
        section="Sumsel",
        tags=["smart city", "Muara Enim"],
        dateline="TRIBUNSUMSEL.COM, MUARA ENIM",
        html=html,
    )


def facts(version: str = "1.0") -> ArticleFacts:
    p = prov(version=version)
    return ArticleFacts(
        officials=[Official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim",
                            "Bupati Muara Enim Ir. H. Ahmad Yani, MM", p, ["Ir.", "H."], ["MM"], "16.03")],
        institutions=[Institution("Kementerian Komunikasi dan Informatika", "Kementerian Komunikasi dan Informatika",
                                  "ministry", p, ["Kominfo", "Kemenkominfo"])],
        places=[Place("Kabupaten Muara Enim", "Muara Enim", "regency", p, "16.03")],
        dates=[DateMention("2019-05-14", "day", "Selasa (14/5/2019)", p)],
        program_stages=[ProgrammeStage("Gerakan Menuju 100 Smart City", 3, 2019,
                                       "Gerakan Menuju 100 Smart City Tahap 3 Tahun 2019", p)],
        program_participants=[ProgrammeParticipant("Kabupaten Muara Enim", "Gerakan Menuju 100 Smart City", 2019,
                                                   "Kabupaten Muara Enim terpilih", p, 3, "16.03")],
    )


def counts(store: Store) -> dict[str, int]:
    return store.stats()


def test_load_is_idempotent(db_path: Path) -> None:
    store = Store(db_path)
    first = store.load(article(), facts())
    before = counts(store)
    second = store.load(article(), facts())
    assert (first.status, second.status) == ("inserted", "unchanged")
    assert first.article_id == second.article_id
    assert counts(store) == before
    assert before["articles"] == 1 and before["mentions"] == 6 and before["dates"] == 1


def test_article_columns_are_stored(db_path: Path) -> None:
    store = Store(db_path)
    html = b"<html><body>" + b"<p>isi berita</p>" * 200 + b"</body></html>"
    store.load(article(html=html), facts())
    row = store.conn.execute(
        "SELECT published, published_utc, authors, tags, html, content_hash, pages, extractor_version "
        "FROM articles"
    ).fetchone()
    assert row[0] == "2019-05-14T10:30:00+07:00"
    assert row[1] == "2019-05-14T03:30:00"
    assert json.loads(row[2]) == ["Welly Hadinata"]
    assert json.loads(row[3]) == ["smart city", "Muara Enim"]
    assert zlib.decompress(row[4]) == html and len(row[4]) < len(html)
    assert len(row[5]) == 64 and row[6] == 1 and row[7] == "1.0"
    tags = [r[0] for r in store.conn.execute(
        "SELECT t.name FROM article_tags a JOIN tags t ON t.id = a.tag_id ORDER BY t.name")]
    assert tags == ["Muara Enim", "smart city"]


def test_changed_article_is_updated_and_its_facts_replaced(db_path: Path) -> None:
    store = Store(db_path)
    first = store.load(article(), facts())
    changed = article(paragraphs=["Ralat: Wakil Bupati Muara Enim hadir mewakili bupati dalam acara itu. " * 5])
    new_facts = ArticleFacts(dates=[DateMention("2019-05-15", "day", "Rabu", prov())])
    second = store.load(changed, new_facts)
    assert second.status == "updated" and second.article_id == first.article_id
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    assert [r[0] for r in store.conn.execute("SELECT value FROM dates")] == ["2019-05-15"]
    # the official's role lost its only evidence, so it is gone
    assert store.conn.execute("SELECT count(*) FROM official_roles").fetchone()[0] == 0
    assert store.search("ralat")[0].article_id == first.article_id
    assert store.search("masterplan") == []


def test_failed_load_leaves_nothing(db_path: Path) -> None:
    store = Store(db_path)
    bad = facts()
    bad.dates.append(DateMention("2019-05-14", "day", "x", Provenance(object(), 1, "s", "e", "1")))  # type: ignore[arg-type]
    with pytest.raises(LoadError, match="could not store"):
        store.load(article(), bad)
    stats = counts(store)
    assert all(stats[t] == 0 for t in ("articles", "mentions", "entities", "entity_aliases", "dates",
                                       "official_roles", "tags", "outlets"))
    assert store.search("masterplan") == []
    assert store.load(article(), facts()).status == "inserted"


def test_load_many_commits_batches_and_rolls_back_the_failing_one(db_path: Path) -> None:
    store = Store(db_path)
    items = [(article(n), facts()) for n in range(1, 8)]
    results = list(store.load_many(items, batch_size=3))
    assert [r.status for r in results] == ["inserted"] * 7
    assert counts(store)["articles"] == 7
    bad = facts()
    bad.dates.append(DateMention("2019", "year", "x", Provenance(object(), 1, "s", "e", "1")))  # type: ignore[arg-type]
    more = [(article(8), facts()), (article(9), facts()), (article(10), bad)]
    with pytest.raises(LoadError, match="berita-10"):
        list(store.load_many(more, batch_size=3))
    assert counts(store)["articles"] == 7


def test_same_canonical_url_is_one_row(db_path: Path) -> None:
    store = Store(db_path)
    a = article()
    b = article()
    b.url = "https://m.tribunnews.com/amp/2019/05/14/berita-1"
    assert store.load(a, facts()).article_id == store.load(b, facts()).article_id
    assert counts(store)["articles"] == 1


def test_syndicated_copies_are_linked_not_dropped(db_path: Path) -> None:
    store = Store(db_path)
    body = [f"{p} Berita nomor 1." for p in BODY]
    original = store.load(article(1, paragraphs=body), facts())
    copy = article(2, outlet="palembang.tribunnews.com", title="Muara Enim Raih Penghargaan Smart City 1",
                   paragraphs=body[:-1] + [body[-1] + " Editor: Prawira"],
                   published=dt.datetime(2019, 5, 14, 13, 0, tzinfo=WIB))
    linked = store.load(copy, facts())
    other = store.load(article(3, paragraphs=["Harga cabai merah di Pasar Cinde naik tajam menjelang "
                                              "Lebaran, kata pedagang setempat kepada wartawan. " * 4]), facts())
    assert linked.status == "inserted" and linked.duplicate_of == original.article_id
    assert other.duplicate_of is None
    assert counts(store)["articles"] == 3 and counts(store)["near_duplicates"] == 1
    # an even earlier copy, loaded last, becomes the one the others point to
    earliest = store.load(article(4, outlet="www.tribunnews.com", paragraphs=body,
                                  published=dt.datetime(2019, 5, 14, 8, 0, tzinfo=WIB)), facts())
    assert earliest.duplicate_of is None
    links = dict(store.conn.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert links == {original.article_id: earliest.article_id, linked.article_id: earliest.article_id,
                     other.article_id: None, earliest.article_id: None}


def test_open_existing_refuses_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="warta demo"):
        Store.open_existing(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    with pytest.raises(CorruptStoreError, match="not an SQLite database"):
        Store.open_existing(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(CorruptStoreError, match="not a warta store"):
        Store.open_existing(other)
    truncated = tmp_path / "truncated.db"
    Store(truncated).close()
    data = truncated.read_bytes()
    truncated.write_bytes(data[:100] + b"\xff" * 2000)
    with pytest.raises(StoreError):
        Store.open_existing(truncated).stats()
    Store(tmp_path / "ok.db").close()
    assert Store.open_existing(tmp_path / "ok.db").stats()["articles"] == 0


def test_runs_are_recorded(db_path: Path) -> None:
    store = Store(db_path)
    run_id = store.start_run("crawl")
    store.load(article(), facts(), run_id=run_id)
    store.finish_run(run_id, {"articles": 1, "failed": 0}, "ok")
    [run] = store.last_runs()
    assert (run.id, run.command, run.status, run.counts) == (run_id, "crawl", "ok", {"articles": 1, "failed": 0})
    assert run.finished is not None
    assert store.conn.execute("SELECT run_id FROM articles").fetchone()[0] == run_id


def test_reextraction_replaces_facts_of_older_versions(db_path: Path) -> None:
    store = Store(db_path)
    old = store.load(article(1), facts(version="1.2")).article_id
    current = store.load(article(2), facts(version="1.10")).article_id
    assert [a for a, _, _ in store.articles_for_reextraction("1.10")] == [old]
    assert {a for a, _, _ in store.articles_for_reextraction(None)} == {old, current}
    assert [a for a, _, _ in store.articles_for_reextraction(None, since="2020-01-01")] == []

    seen: list[tuple[str, dt.datetime | None]] = []

    def extract(text: str, published: dt.datetime | None) -> ArticleFacts:
        seen.append((text, published))
        return ArticleFacts(dates=[DateMention("2019-05-14", "day", "14/5/2019", prov(version="1.10"))])

    result = store.reextract(extract, "1.10")
    assert result["articles"] == 1 and result["dates"] == 1
    assert seen[0][0].startswith(BODY[0]) and seen[0][1] == dt.datetime(2019, 5, 14, 10, 30, tzinfo=WIB)
    assert store.conn.execute("SELECT count(*) FROM mentions WHERE article_id = ?", (old,)).fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM mentions WHERE article_id = ?", (current,)).fetchone()[0] == 6
    assert list(store.articles_for_reextraction("1.10")) == []
    with pytest.raises(LoadError, match="no article"):
        store.replace_facts(999, ArticleFacts())


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export(db_path: Path, fmt: str) -> None:
    store = Store(db_path)
    store.load(article(1, html=b"<html>x</html>"), facts())
    store.load(article(2), facts())
    out = io.StringIO(newline="")
    assert store.export("articles", fmt, out) == 2
    text = out.getvalue()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["canonical_url"] for r in rows] == [article(1).canonical_url, article(2).canonical_url]
    assert "html" not in rows[0] and rows[0]["title"].startswith("Muara Enim")
    roles = io.StringIO()
    assert store.export("official_roles", fmt, roles) == 1


def test_export_refuses_unknown_table_and_format(db_path: Path) -> None:
    store = Store(db_path)
    with pytest.raises(ExportError, match="choose one of"):
        store.export("sqlite_master; DROP TABLE articles", "csv", io.StringIO())
    with pytest.raises(ValueError, match="jsonl or csv"):
        store.export("articles", "xml", io.StringIO())


def test_search_while_a_writer_loads(db_path: Path) -> None:
    Store(db_path).load(article(0), facts())
    errors: list[BaseException] = []
    done = threading.Event()
    searches = 0

    def write() -> None:
        try:
            with Store(db_path) as writer:
                for n in range(1, 121):
                    writer.load(article(n), facts())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    with Store(db_path) as reader:
        while not done.is_set() or searches < 5:
            assert reader.search("penghargaan", limit=5)
            reader.stats()
            searches += 1
    thread.join()
    assert not errors
    assert Store(db_path).stats()["articles"] == 121
    assert searches >= 5


def test_edited_copy_is_linked_but_same_title_with_other_text_is_not(db_path: Path) -> None:
    store = Store(db_path)
    body = [f"{p} Berita nomor 1." for p in BODY]
    original = store.load(article(1, paragraphs=body), facts())
    edited = [body[0].replace("menerima", "meraih"), body[1].replace("terus", "senantiasa"),
              body[2].replace("puluhan", "belasan")]
    copy = store.load(article(2, outlet="www.antaranews.com", paragraphs=edited,
                              published=dt.datetime(2019, 5, 14, 15, 0, tzinfo=WIB)), facts())
    other = store.load(article(3, title=article(1).title, paragraphs=[
        "Dinas Perhubungan Muara Enim menertibkan angkutan liar di terminal bayangan dekat pasar induk. "
        "Petugas memeriksa kelengkapan surat kendaraan dan izin trayek para sopir yang mangkal di sana."]), facts())
    assert copy.duplicate_of == original.article_id
    assert other.duplicate_of is None


def test_load_many_reports_an_article_that_cannot_be_fingerprinted(db_path: Path) -> None:
    store = Store(db_path)
    broken = article(3)
    broken.paragraphs = [None]  # type: ignore[list-item]
    with pytest.raises(LoadError, match="berita-3"):
        list(store.load_many([(article(1), facts()), (article(2), facts()), (broken, facts())], batch_size=10))
    assert counts(store)["articles"] == 0
    assert [r.status for r in store.load_many([(article(1), facts()), (article(2), facts())])] == ["inserted"] * 2


def test_one_batch_sees_its_own_aliases_and_merges(db_path: Path) -> None:
    """Alias rows are written in bulk and merges evict only the merged entity: a batch must still see both."""
    store = Store(db_path)
    p = prov()
    kominfo = "Kementerian Komunikasi dan Informatika"
    yani = Official("Yani", "bupati", "Kabupaten Muara Enim", "Bupati Yani", p, region_code="16.03")
    full = Official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Ahmad Yani", p, region_code="16.03")
    items = [
        (article(1), ArticleFacts(officials=[yani],
                                  institutions=[Institution(kominfo, "Kominfo", "ministry", p, ["Kemenkominfo"])])),
        (article(2), ArticleFacts(officials=[full],
                                  institutions=[Institution("Kemenkominfo", "Kemenkominfo", "ministry", p)])),
        (article(3), ArticleFacts(officials=[yani])),
    ]
    assert len(list(store.load_many(items, batch_size=10))) == 3
    stats = counts(store)
    assert (stats["persons"], stats["institutions"]) == (1, 1)
    report = store.entity("Bupati Yani")
    assert report is not None and report.name == "Ahmad Yani" and {a.id for a in report.articles} == {1, 2, 3}
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def fts_is_consistent(store: Store) -> None:
    """FTS5's own check that the index matches the articles table (raises when it does not)."""
    store.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_full_text_index_follows_inserts_updates_and_rollbacks_in_one_batch(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), facts())
    edited = article(1, paragraphs=["Ralat: rapat koordinasi digelar di Lahat, bukan di Muara Enim. " * 4])
    # one batch: new articles, an article updated twice (the second time after its insert in
    # this same batch), an update of an article stored earlier
    items = [
        (article(2), facts()),
        (article(3), facts()),
        (article(3, paragraphs=["Koreksi: jembatan gantung Tanjung Agung selesai diperbaiki warga. " * 4]), facts()),
        (edited, facts()),
        (article(4), facts()),
    ]
    statuses = [r.status for r in store.load_many(items, batch_size=10)]
    assert statuses == ["inserted", "inserted", "updated", "updated", "inserted"]
    fts_is_consistent(store)
    assert {h.article_id for h in store.search("jembatan")} == {3}
    assert {h.article_id for h in store.search("lahat")} == {1}
    assert {h.article_id for h in store.search("masterplan")} == {2, 4}
    # a failed batch leaves the index as it was, and the next load indexes normally
    bad = facts()
    bad.dates.append(DateMention("2019", "year", "x", Provenance(object(), 1, "s", "e", "1")))  # type: ignore[arg-type]
    with pytest.raises(LoadError):
        list(store.load_many([(article(5, paragraphs=["Banjir bandang melanda Semende. " * 8]), facts()),
                              (article(6), bad)]))
    fts_is_consistent(store)
    assert store.search("semende") == []
    store.load(article(7, paragraphs=["Banjir bandang melanda Semende. " * 8]), facts())
    fts_is_consistent(store)
    assert len(store.search("semende")) == 1


def _bulk(n: int) -> list[tuple[Article, ArticleFacts]]:
    return [(article(i, paragraphs=[f"{p} Berita nomor {i}." for p in BODY[:1]]), ArticleFacts()) for i in range(n)]


def test_load_many_fingerprints_later_chunks_in_a_worker_process(db_path: Path) -> None:
    from db.store import PREPARE_CHUNK

    store = Store(db_path)
    items = _bulk(PREPARE_CHUNK * 2 + 10)
    broken = article(99_999)
    broken.paragraphs = [None]  # type: ignore[list-item]
    results = list(store.load_many(items, batch_size=PREPARE_CHUNK))
    assert [r.status for r in results] == ["inserted"] * len(items)
    assert type(store._prepare_pool).__name__ == "ProcessPoolExecutor"
    # what the worker computed is what loading inline computes
    row = store.conn.execute(
        "SELECT content_hash, fingerprint FROM articles WHERE canonical_url = ?", (items[-1][0].canonical_url,)
    ).fetchone()
    other = Store(db_path.with_name("inline.db"))
    other.load(*items[-1])
    assert other.conn.execute("SELECT content_hash, fingerprint FROM articles").fetchone() == tuple(row)
    # an article the worker cannot fingerprint is named, and its transaction is not kept
    with pytest.raises(LoadError, match="berita-99999"):
        list(store.load_many([*_bulk(PREPARE_CHUNK + 5)[5:], (broken, ArticleFacts())], batch_size=10_000))
    assert counts(store)["articles"] == len(items)
    store.close()
    assert store._prepare_pool is None


def _load_in_daemon(path: str, n: int) -> None:
    with Store(path) as store:
        for _ in store.load_many(_bulk(n)):
            pass


def test_load_many_falls_back_to_a_thread_where_no_process_can_start(db_path: Path) -> None:
    """A daemonic worker (a crawl worker pool, say) may not start processes of its own."""
    import multiprocessing

    from db.store import PREPARE_CHUNK

    n = PREPARE_CHUNK + 20
    proc = multiprocessing.get_context("spawn").Process(target=_load_in_daemon, args=(str(db_path), n), daemon=True)
    proc.start()
    proc.join(120)
    assert proc.exitcode == 0
    assert counts(Store.open_existing(db_path))["articles"] == n


def test_reextraction_follows_one_fact_types_version(db_path: Path) -> None:
    """Bumping one type's extractor version re-extracts the articles an older version of it made."""
    store = Store(db_path)
    v1 = {"officials": "1", "dates": "1", "places": "1"}
    a = store.load(article(1), ArticleFacts(versions=v1)).article_id
    b = store.load(article(2), ArticleFacts(versions={**v1, "officials": "2"})).article_id
    legacy = store.load(article(3), facts(version="warta.extractors.v1")).article_id
    stored = dict(store.conn.execute("SELECT id, extractor_version FROM articles").fetchall())
    assert stored[a] == "dates=1;officials=1;places=1" and parse_versions(stored[a]) == v1
    current = format_versions({**v1, "officials": "2"})
    assert [i for i, _, _ in store.articles_for_reextraction(current)] == [a, legacy]
    assert [i for i, _, _ in store.articles_for_reextraction(format_versions(v1))] == [legacy]
    # a fact type the stored facts never had (a new extractor) counts as outdated too
    assert [i for i, _, _ in store.articles_for_reextraction(format_versions({**v1, "stages": "1"}))] == [a, b, legacy]
    store.reextract(lambda text, published: ArticleFacts(versions={**v1, "officials": "2"}), current)
    assert list(store.articles_for_reextraction(current)) == []
    assert is_outdated("1.2", "1.10") and not is_outdated("1.10", "1.10") and is_outdated(None, current)


def test_roles_left_without_evidence_are_not_reused_by_the_same_store(db_path: Path) -> None:
    """Re-extraction (or an update) that removes a role's last article deletes the role; the
    store's resolver must not hand its id to the next load (a FOREIGN KEY failure before)."""
    with Store(db_path) as store:
        store.load(article(1), facts())
        assert store.conn.execute("SELECT count(*) FROM official_roles").fetchone()[0] == 1
        store.reextract(lambda text, published: ArticleFacts(), "2.0")
        assert store.conn.execute("SELECT count(*) FROM official_roles").fetchone()[0] == 0
        assert store.load(article(2), facts()).status == "inserted"
        assert store.conn.execute("SELECT n_articles FROM official_roles").fetchone()[0] == 1
        # the same through an update that drops the official
        store.load(article(2, paragraphs=["Teks baru tanpa pejabat."]), ArticleFacts())
        assert store.conn.execute("SELECT count(*) FROM official_roles").fetchone()[0] == 0
        assert store.load(article(3), facts()).status == "inserted"
