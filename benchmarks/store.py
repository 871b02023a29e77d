"""Benchmark the knowledge store: load rate, size, search and entity-page latency.

Generates a corpus of synthetic Indonesian-news-like articles (2-4 KB of text each, 15-30
facts each drawn from shared pools of officials, institutions, places and programmes, each
with its 15-30-word source sentence as provenance, so
entity resolution has real work; about 3 % syndicated near-copies), loads it into a fresh
store with ``Store.load_many`` and reports:

* load rate: articles/s with their facts (generation time excluded), also for the first and
  the last 5,000 articles and for every slice of 100,000 (the store's indexes grow as it fills);
* the articles are generated in a separate process, ahead of the load (generating them costs
  about as much CPU as loading them);
* a peer in the same process: the first ``--peer-articles`` articles of every slice, right
  after warta has loaded them, go into a bare sqlite-utils table with an FTS5 index (no facts);
  the ratio of the two rates on the same articles, per slice, holds on a busy machine where the
  absolute rates do not;
* the machine's 1-minute load average while loading (sampled every 5,000 articles);
* store size per article (after a WAL checkpoint);
* search latency p50/p95 for typical queries (one or two words, a phrase), filtered ones
  (person, place, outlet, date range), common words (among the 30 most frequent: nearly
  every article matches) and phrases (two or three words copied from stored articles);
  the common words also ranked exhaustively (every match scored, as before candidate sets)
  for comparison, and how many typical and phrase queries with at most
  ``db.search.CANDIDATES`` matches give the same hits both ways;
* entity-page latency p50/p95 (``Store.entity``);
* the machine (CPUs, RAM, CPU model, Python and SQLite versions).

Usage::

    .venv/bin/python benchmarks/store.py                  # 100,000 articles
    .venv/bin/python benchmarks/store.py --articles 5000  # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

import db.search
from db.search import to_fts_query
from db.store import BATCH_SIZE, Store
from db.text_index import index_path as text_index_path
from pipeline.models import (
    Article,
    ArticleFacts,
    DateMention,
    Institution,
    Official,
    OfficialRelation,
    Place,
    ProgrammeParticipant,
    ProgrammeStage,
    Provenance,
)

WORDS = """
pemerintah kabupaten kota provinsi bupati wali gubernur wakil kepala dinas badan daerah program
pembangunan masyarakat warga desa kecamatan kelurahan jalan jembatan sekolah rumah sakit pasar
harga beras cabai bawang minyak gas listrik air bersih sampah banjir kebakaran hutan lahan
kegiatan acara rapat pertemuan kunjungan peresmian penandatanganan kerja sama nota kesepahaman
anggaran belanja pendapatan pajak retribusi investasi ekonomi usaha kecil menengah pelaku
pelayanan publik digital aplikasi teknologi informasi jaringan internet data sistem inovasi
pendidikan kesehatan sosial budaya pariwisata olahraga pemuda perempuan anak lansia bantuan
tahun bulan minggu hari senin selasa rabu kamis jumat sabtu pagi siang sore malam kemarin
mengatakan menyampaikan menjelaskan menegaskan berharap meminta mengajak mendukung meninjau
membuka meresmikan menghadiri menerima memberikan menyerahkan melaksanakan mengikuti
penting besar baru lama tinggi rendah cepat lambat baik buruk aman tertib lancar maksimal
tersebut ini itu dengan untuk dalam pada dari oleh kepada bagi sebagai secara agar supaya
sehingga karena namun tetapi juga akan telah sudah masih belum dapat bisa harus perlu
para seluruh semua setiap beberapa banyak sedikit lebih kurang sangat cukup hanya
smart city kota cerdas tahap gerakan menuju seratus penilaian masterplan dokumen tim ahli
""".split()

FIRST = ("Ahmad Budi Candra Dedi Eko Fajar Gunawan Hendra Indra Joko Kurniawan Lukman Muhammad Nanang "
         "Oktavianus Panji Rudi Slamet Teguh Umar Wahyu Yusuf Zainal Siti Dewi Rina Sri Yuliana").split()
LAST = ("Yani Deru Harnojoyo Susanto Wijaya Pratama Saputra Hidayat Nugroho Santoso Hakim Rahman Syahputra "
        "Gunadi Firmansyah Kusuma Halim Lubis Nasution Siregar Harahap Simanjuntak Sembiring Tarigan").split()
POSITIONS = ["bupati", "wakil bupati", "wali kota", "wakil wali kota", "gubernur", "kepala dinas kominfo",
             "kepala bappeda", "sekretaris daerah", "camat", "ketua dprd", "kapolres", "kepala dinas kesehatan"]
MINISTRIES = [
    ("Kementerian Komunikasi dan Informatika", ["Kominfo", "Kemenkominfo"]),
    ("Kementerian Dalam Negeri", ["Kemendagri"]),
    ("Kementerian Pekerjaan Umum dan Perumahan Rakyat", ["Kementerian PUPR", "PUPR"]),
    ("Kementerian Perencanaan Pembangunan Nasional", ["Bappenas", "Kementerian PPN"]),
    ("Kementerian Keuangan", ["Kemenkeu"]),
    ("Kementerian Kesehatan", ["Kemenkes"]),
]
PROGRAMMES = ["Gerakan Menuju 100 Smart City", "Program Kota Tanpa Kumuh", "Program Desa Digital",
              "Gerakan Literasi Nasional", "Program Keluarga Harapan"]
OUTLETS = ["sumsel.tribunnews.com", "palembang.tribunnews.com", "jambi.tribunnews.com", "www.antaranews.com",
           "sumsel.antaranews.com", "news.detik.com", "regional.kompas.com", "sumeks.co"]


SYLLABLES = ("ba be bi bu da de di du ga gi gu ka ke ki ku la le li lu ma me mi mu na ne ni nu pa pe pi pu ra re "
             "ri ru sa se si su ta te ti tu wa ya an ang ar as at en er in ir kan lah nya per ter").split()
#: Distinct words of the generated vocabulary (the real words above are the most frequent).
VOCABULARY = 30_000


class Corpus:
    """Deterministic generator of articles with facts.

    Text words follow a Zipf law over a 30,000-word vocabulary whose most frequent words are
    real Indonesian news words, so query terms match realistic shares of the corpus.
    """

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        vocab = list(dict.fromkeys(WORDS))
        seen = set(vocab)
        while len(vocab) < VOCABULARY:
            word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                vocab.append(word)
        self.vocab = vocab
        weights = [1.0 / (rank + 5) for rank in range(len(vocab))]
        total = 0.0
        self.cum = []
        for w in weights:
            total += w
            self.cum.append(total)
        # names are rarer words than the text's own (as Muara Enim or Harnojoyo are)
        names = vocab[5000:7000]
        self.regions = [(f"Kabupaten {w.title()} {v.title()}", f"{11 + i // 100}.{i % 100:02d}")
                        for i, (w, v) in enumerate(zip(rng.sample(names, 400), rng.sample(names, 400)))]
        surnames = LAST + [w.title() for w in rng.sample(names, 600)]
        self.people = []
        for i in range(3000):
            name = f"{rng.choice(FIRST)} {rng.choice(surnames)}" + (f" {rng.choice(surnames)}" if i % 3 else "")
            region = rng.choice(self.regions)
            self.people.append((name, rng.choice(POSITIONS), region))
        self.offices = [(f"Dinas {w.title()} {r[0]}", r[1]) for w, r in
                        zip(rng.choices(["Kominfo", "Kesehatan", "Pendidikan", "Perhubungan"], k=300),
                            rng.choices(self.regions, k=300))]
        self.recent: list[tuple[Article, ArticleFacts]] = []
        self.copies = 0
        """Near-copies generated (what duplicate detection should find)."""

    def _zipf(self, items: list[Any]) -> Any:
        # a few popular entities, a long tail
        return items[min(int(self.rng.paretovariate(1.2)) - 1, len(items) - 1)
                     if self.rng.random() < 0.5 else self.rng.randrange(len(items))]

    def _text(self, names: list[str]) -> list[str]:
        rng = self.rng
        paragraphs = []
        size = 0
        target = rng.randint(2000, 4000)
        while size < target:
            words = rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(30, 60))
            for name in rng.sample(names, k=min(2, len(names))):
                words.insert(rng.randrange(len(words)), name)
            paragraph = " ".join(words).capitalize() + "."
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        return paragraphs

    def article(self, n: int) -> tuple[Article, ArticleFacts]:
        """The n-th article and its facts (3 % are edited copies of a recent article)."""
        rng = self.rng
        published = dt.datetime(2017, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(minutes=17 * n)
        outlet = rng.choice(OUTLETS)
        if self.recent and rng.random() < 0.03:
            source, facts = rng.choice(self.recent)
            paragraphs = list(source.paragraphs) + [f"Editor: {rng.choice(FIRST)}"]
            self.copies += 1
            title = source.title
        else:
            facts = self._facts(published)
            names = [o.surface for o in facts.officials] + [i.surface for i in facts.institutions]
            paragraphs = self._text(names)
            title = " ".join(rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(6, 11))).capitalize()
        url = f"https://{outlet}/{published:%Y/%m/%d}/berita-{n}"
        art = Article(url=url, canonical_url=url, outlet=outlet, title=title, paragraphs=paragraphs,
                      authors=[rng.choice(FIRST)], editor=rng.choice(FIRST), published=published,
                      section=rng.choice(["Regional", "Sumsel", "Nasional", "Ekonomi"]),
                      tags=rng.sample(["smart city", "pemkab", "pilkada", "banjir", "ekonomi", "kesehatan"], k=2))
        if len(self.recent) < 200:
            self.recent.append((art, facts))
        else:
            self.recent[rng.randrange(200)] = (art, facts)
        return art, facts

    def _facts(self, published: dt.datetime) -> ArticleFacts:
        rng = self.rng

        # each fact keeps its whole sentence as provenance, as the extractors do: news sentences
        # run 15-30 words, and several facts come from the same sentence
        sentences = [" ".join(rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(15, 30))).capitalize() + "."
                     for _ in range(6)]

        def prov(extractor: str) -> Provenance:
            start = rng.randrange(0, 2500)
            return Provenance(start, start + rng.randint(5, 40), rng.choice(sentences), extractor, "1.0",
                              round(rng.uniform(0.6, 1.0), 2))

        officials = []
        for _ in range(rng.randint(3, 6)):
            name, position, (region, code) = self._zipf(self.people)
            short = rng.random() < 0.2
            shown = name.split()[-1] if short else name
            officials.append(Official(shown, f"{position} {region.split(' ', 1)[1].lower()}", region,
                                      f"{position.title()} {shown}", prov("warta.officials"),
                                      region_code=code))
        institutions = []
        for _ in range(rng.randint(3, 5)):
            if rng.random() < 0.5:
                canonical, aliases = rng.choice(MINISTRIES)
                institutions.append(Institution(canonical, rng.choice([canonical, *aliases]), "ministry",
                                                prov("warta.institutions"), list(aliases)))
            else:
                office, code = self._zipf(self.offices)
                institutions.append(Institution(office, office, "office", prov("warta.institutions"),
                                                region_code=code))
        places = []
        for _ in range(rng.randint(3, 6)):
            region, code = self._zipf(self.regions)
            places.append(Place(region, region.split(" ", 1)[1], "regency", prov("warta.places"), code))
        dates = [DateMention(f"{published.year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "day",
                             "Senin (7/3)", prov("warta.dates")) for _ in range(rng.randint(2, 5))]
        stages, participants = [], []
        if rng.random() < 0.3:
            programme = rng.choice(PROGRAMMES)
            year = rng.choice([2017, 2018, 2019])
            stages.append(ProgrammeStage(programme, rng.randint(1, 3), year, f"{programme} Tahap", prov("warta.programmes")))
            for _ in range(rng.randint(1, 4)):
                region, code = rng.choice(self.regions)
                participants.append(ProgrammeParticipant(region, programme, year, region, prov("warta.programmes"),
                                                         region_code=code))
        relations = []
        if len(officials) >= 2 and rng.random() < 0.3:
            relations.append(OfficialRelation("represented_by", officials[0].name, officials[1].name,
                                              prov("warta.relations")))
        return ArticleFacts(officials, institutions, places, dates, stages, participants, relations)


class Peer:
    """The plain way to store articles searchably: sqlite-utils ``insert_all`` into one table
    with an FTS5 index kept by triggers, no facts, no resolution, no duplicate detection.

    It runs in the same process right after warta on the same articles, so the ratio of the
    two rates holds however busy the machine is.
    """

    def __init__(self, path: Path) -> None:
        self.db = sqlite_utils.Database(path)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.table = self.db.table("articles")
        self.table.create({"id": int, "url": str, "outlet": str, "title": str, "authors": str, "editor": str,
                           "published": str, "section": str, "tags": str, "text": str}, pk="id")
        self.table.enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True,
                              tokenize="unicode61 remove_diacritics 2")

    def load(self, items: list[tuple[Article, ArticleFacts]]) -> float:
        """Insert the articles; returns the seconds taken."""
        start = time.perf_counter()
        rows = ({"url": a.canonical_url, "outlet": a.outlet, "title": a.title, "authors": json.dumps(a.authors),
                 "editor": a.editor, "published": a.published.isoformat() if a.published else None,
                 "section": a.section, "tags": json.dumps(a.tags), "text": a.text} for a, _ in items)
        with self.db.conn:
            self.table.insert_all(rows, batch_size=500)
        return time.perf_counter() - start

    def close(self) -> None:
        self.db.close()


def generate(articles: int, chunk: int, out: Any) -> None:
    """Put the corpus's articles on the queue ``out``, ``chunk`` at a time, then the number of
    near-copies generated (run in a process of its own: generating costs about as much CPU as
    loading, and it is not what is measured)."""
    corpus = Corpus()
    for first in range(0, articles, chunk):
        out.put([corpus.article(n) for n in range(first, min(first + chunk, articles))])
    out.put(corpus.copies)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def machine() -> dict[str, Any]:
    """CPU count, RAM, CPU model, versions."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "ram_gb": round(ram / 2**30, 1), "cpu": model,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Articles per transaction.")
    parser.add_argument("--peer-articles", type=int, default=10_000,
                        help="Articles of each slice also loaded by the sqlite-utils peer (the slice's first ones).")
    parser.add_argument("--queries", type=int, default=200, help="Queries per latency measurement.")
    parser.add_argument("--db", type=Path, help="Store file (default: a temporary file, removed afterwards).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--slice", type=int, default=100_000, help="Articles per slice of the load-rate list.")
    parser.add_argument("--searches-only", action="store_true",
                        help="Measure searches and entity pages again on the store --db kept from a run with the "
                             "same --articles, without loading.")
    parser.add_argument("--text-index", action="store_true",
                        help="Keep a Tantivy index (db/text_index.py) in step from the first article (with --searches-only: "
                             "build it after), and measure searches through it as well as through FTS5.")
    args = parser.parse_args()
    if args.searches_only and not (args.db and args.db.exists()):
        parser.error("--searches-only needs --db naming a store kept from an earlier run")

    tmp = tempfile.TemporaryDirectory()
    db_path = args.db or Path(tmp.name) / "bench.db"
    corpus = Corpus()
    store = Store(db_path)
    if args.text_index and not args.searches_only:
        store.rebuild_text_index()  # empty: every load keeps it in step
    load_s, load_cpu_s, text_bytes, facts_n = 0.0, 0.0, 0, 0
    chunk = 5000
    peer = Peer(Path(tmp.name) / "peer.db")
    peer_n, peer_s, paired_s = 0, 0.0, 0.0
    chunk_rates: list[float] = []
    loadavg: list[float] = []
    # per slice of --slice articles: [articles, seconds, peer articles, peer seconds, warta seconds on those]
    slices: list[list[float]] = []
    started = time.perf_counter()
    # the articles are generated in another process, two chunks ahead of the load
    queue: Any = multiprocessing.get_context("spawn").Queue(maxsize=2)
    generator = multiprocessing.get_context("spawn").Process(
        target=generate, args=(0 if args.searches_only else args.articles, chunk, queue), daemon=True)
    generator.start()
    for first in range(0, 0 if args.searches_only else args.articles, chunk):
        items = queue.get()
        text_bytes += sum(len(a.text.encode()) for a, _ in items)
        facts_n += sum(sum(f.counts().values()) + len(f.relations) for _, f in items)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in store.load_many(items, batch_size=args.batch_size):
            pass
        took = time.perf_counter() - start
        load_s += took
        load_cpu_s += time.process_time() - cpu
        chunk_rates.append(len(items) / took)
        loadavg.append(os.getloadavg()[0])
        if not slices or slices[-1][0] >= args.slice:
            slices.append([0, 0.0, 0, 0.0, 0.0])
        at = slices[-1]
        if at[0] < args.peer_articles:
            # the same articles, right after, into a bare sqlite-utils table with FTS
            took_peer = peer.load(items)
            at[2] += len(items)
            at[3] += took_peer
            at[4] += took
            if first < args.peer_articles:
                peer_s += took_peer
                peer_n += len(items)
                paired_s += took
        at[0] += len(items)
        at[1] += took
        if at[0] >= args.slice or first + chunk >= args.articles:
            ratio = f", {(at[2] / at[4]) / (at[2] / at[3]):.2f} of the peer ({at[2] / at[3]:.0f}/s)" if at[2] else ""
            print(f"# {first + len(items):,} articles loaded, {time.perf_counter() - started:.0f} s since start; "
                  f"slice {at[0] / at[1]:.0f} articles/s{ratio}; load average {os.getloadavg()[0]:.1f}",
                  flush=True, file=sys.stderr)
    peer.close()
    copies = queue.get()
    generator.join()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db_path.stat().st_size
    stats = store.stats()

    rng = random.Random(7)
    vocab = corpus.vocab
    sample_texts = [store.conn.execute("SELECT text FROM articles WHERE id = ?", (rng.randint(1, args.articles),))
                    .fetchone()[0].split() for _ in range(50)]
    typical: list[str] = []
    for i in range(args.queries):
        kind = i % 5
        if kind == 0:  # a topical word: neither stop word nor hapax
            typical.append(rng.choice(vocab[300:5000]))
        elif kind == 1:
            typical.append(" ".join(rng.sample(vocab[100:3000], 2)))
        elif kind == 2:  # a name: person surname or region
            typical.append(rng.choice([p[0].split()[-1] for p in corpus.people[:200]] + [r[0].split()[-1] for r in corpus.regions]))
        elif kind == 3:  # a phrase copied from a stored article
            words = rng.choice(sample_texts)
            at = rng.randrange(len(words) - 2)
            typical.append('"' + " ".join(w.strip(".,") for w in words[at:at + 2]) + '"')
        else:  # a prefix
            typical.append(rng.choice(vocab[300:5000])[:5] + "*")
    common = [rng.choice(vocab[:30]) for _ in range(max(10, args.queries // 4))]
    phrases: list[str] = []
    for _ in range(max(10, args.queries // 2)):
        words = rng.choice(sample_texts)
        n_words = rng.choice([2, 3])
        at = rng.randrange(len(words) - n_words)
        phrases.append('"' + " ".join(w.strip(".,") for w in words[at:at + n_words]) + '"')
    people = [p[0] for p in corpus.people[:50]]
    regions = [r[0] for r in corpus.regions[:50]]
    filtered: list[dict[str, Any]] = []
    for i in range(args.queries):
        kind = i % 4
        q = rng.choice(vocab[100:3000])
        if kind == 0:
            filtered.append({"query": q, "person": rng.choice(people)})
        elif kind == 1:
            filtered.append({"query": q, "place": rng.choice(regions)})
        elif kind == 2:
            filtered.append({"query": q, "outlet": rng.choice(OUTLETS)})
        else:
            year = rng.choice([2017, 2018, 2019])
            filtered.append({"query": q, "since": f"{year}-03-01", "until": f"{year}-06-30"})
    def run_searches() -> tuple[list[float], list[float], list[float], list[float]]:
        qi = iter(typical)
        fi = iter(filtered)
        ci = iter(common)
        pi = iter(phrases)

        def one_filtered() -> None:
            kwargs = dict(next(fi))
            store.search(kwargs.pop("query"), **kwargs)

        return (timed(lambda: store.search(next(qi)), len(typical)), timed(one_filtered, len(filtered)),
                timed(lambda: store.search(next(ci)), len(common)), timed(lambda: store.search(next(pi)), len(phrases)))

    print(f"# loaded; measuring searches, {time.perf_counter() - started:.0f} s since start", flush=True, file=sys.stderr)
    # the FTS5 path first (no Tantivy index, or one set aside)
    text_index = store.text_index() if args.text_index else None
    store._text_index = False
    search_typical, search_filtered, search_common, search_phrase = run_searches()
    store._text_index = None
    tantivy_figures: dict[str, Any] = {}
    if args.text_index:
        if text_index is None:  # built now, after the load
            start = time.perf_counter()
            n = store.rebuild_text_index()
            tantivy_figures["tantivy_rebuild_articles_per_s"] = round(n / (time.perf_counter() - start))
        size_index = sum(f.stat().st_size for f in text_index_path(db_path).rglob("*") if f.is_file())
        tantivy_figures["tantivy_index_kb_per_article"] = round(size_index / args.articles / 1024, 2)
        t_typical, t_filtered, t_common, t_phrase = run_searches()
        tantivy_figures.update({
            "tantivy_typical_ms_p50_p95": [round(x, 1) for x in percentiles(t_typical)],
            "tantivy_filtered_ms_p50_p95": [round(x, 1) for x in percentiles(t_filtered)],
            "tantivy_common_word_ms_p50_p95": [round(x, 1) for x in percentiles(t_common)],
            "tantivy_phrase_ms_p50_p95": [round(x, 1) for x in percentiles(t_phrase)],
        })
    # the same common words ranked exhaustively (every match scored), as searches did before
    text_index_kept = store._text_index
    store._text_index = False
    bound = db.search.CANDIDATES or 0
    ei = iter(common[:10])
    db.search.CANDIDATES = None
    search_common_exhaustive = timed(lambda: store.search(next(ei)), 10)
    # below the candidate bound both ways must give the same hits in the same order
    same, compared = 0, 0
    overlaps: list[float] = []
    same_first = 0
    for q in typical + phrases:
        if store.conn.execute("SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
                              (to_fts_query(q), bound + 1)).fetchone()[0] > bound:
            continue
        compared += 1
        db.search.CANDIDATES = None
        exhaustive = [(h.article_id, h.rank) for h in store.search(q)]
        db.search.CANDIDATES = bound
        same += [(h.article_id, h.rank) for h in store.search(q)] == exhaustive
        if args.text_index:
            # the Tantivy ranking against the FTS5 one where FTS5 ranked every match
            store._text_index = text_index_kept
            ranked = [h.article_id for h in store.search(q)]
            store._text_index = False
            expected = [a for a, _ in exhaustive]
            if expected:
                overlaps.append(len(set(ranked) & set(expected)) / len(expected))
                same_first += ranked[:1] == expected[:1]
    db.search.CANDIDATES = bound
    store._text_index = text_index_kept
    if overlaps:
        tantivy_figures["tantivy_vs_fts5_top20_overlap_mean"] = round(statistics.mean(overlaps), 3)
        tantivy_figures["tantivy_vs_fts5_same_first_hit"] = f"{same_first}/{len(overlaps)}"
    names = iter([rng.choice(corpus.people)[0] for _ in range(args.queries)] * 2)
    entity_pages = timed(lambda: store.entity(next(names)), args.queries)

    figures: dict[str, Any] = {
        "articles": args.articles,
        "articles_stored": stats["articles"],
    }
    load: dict[str, Any] = {} if args.searches_only else {
        "facts_loaded": facts_n,
        "facts_per_article": round(facts_n / args.articles, 1),
        "text_kb_per_article": round(text_bytes / args.articles / 1024, 2),
        "run_seconds_so_far": round(time.perf_counter() - started),
        "load_seconds": round(load_s, 1),
        "load_articles_per_s": round(args.articles / load_s),
        "load_cpu_seconds_main_process": round(load_cpu_s, 1),
        "load_rate_first_last_5000": [round(chunk_rates[0]), round(chunk_rates[-1])],
        "load_rate_per_slice": [round(s[0] / s[1]) for s in slices],
        "peer_rate_per_slice": [round(s[2] / s[3]) if s[2] else None for s in slices],
        "warta_vs_peer_per_slice": [round((s[2] / s[4]) / (s[2] / s[3]), 2) if s[2] else None for s in slices],
        "peer_articles": peer_n,
        "peer_sqlite_utils_articles_per_s": round(peer_n / peer_s) if peer_n else None,
        "warta_vs_peer_same_articles": round((peer_n / paired_s) / (peer_n / peer_s), 2) if peer_n else None,
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        "load_average_1min_while_loading_min_mean_max": (
            [round(min(loadavg), 1), round(statistics.mean(loadavg), 1), round(max(loadavg), 1)] if loadavg else None),
        "near_copies_generated": copies,
    }
    figures.update(load)
    figures.update({
        "store_mb": round(size / 2**20, 1),
        "store_kb_per_article": round(size / args.articles / 1024, 1),
        "near_duplicates_linked": stats["near_duplicates"],
        "entities": stats["entities"],
        "search_typical_ms_p50_p95": [round(x, 1) for x in percentiles(search_typical)],
        "search_filtered_ms_p50_p95": [round(x, 1) for x in percentiles(search_filtered)],
        "search_common_word_ms_p50_p95": [round(x, 1) for x in percentiles(search_common)],
        "search_phrase_ms_p50_p95": [round(x, 1) for x in percentiles(search_phrase)],
        "search_common_exhaustive_ms_p50_p95": [round(x, 1) for x in percentiles(search_common_exhaustive)],
        "search_candidates": bound,
        "same_hits_below_candidates": f"{same}/{compared}",
        "entity_page_ms_p50_p95": [round(x, 1) for x in percentiles(entity_pages)],
        **tantivy_figures,
        "machine": machine(),
    })
    figures["run_seconds_total"] = round(time.perf_counter() - started)
    store.close()
    tmp.cleanup()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
