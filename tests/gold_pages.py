"""The real saved pages in ../shared/data/html/indonesian with what each must yield, and token-F1.

Shared by tests/test_realpages.py and benchmarks/extraction_vs_trafilatura.py, so both measure
the same thing. Gold values come from the files in ``expected/`` (htmldate dates, slasherrb
texts, fundus parses, Zyte article bodies) or, where those say nothing, from the page and its URL
as SOURCE.md documents them.

The generic test set (:func:`generic_pages`) is in the repository, ``tests/fixtures/generic``:
real pages of outlets without a warta adapter, with hand-written expected bodies.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML_DIR = ROOT.parent / "shared" / "data" / "html" / "indonesian"
EXPECTED_DIR = HTML_DIR / "expected"

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (punctuation and whitespace dropped)."""
    return _TOKEN.findall(text.lower())


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 between two texts (1.0 when both are empty).

    Gold texts whose newlines were deleted (slasherrb) are compared fairly this way, since
    tokenisation does not depend on line breaks.
    """
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class GoldPage:
    """One saved page and the facts it must yield."""

    file: str
    url: str
    family: str
    """The adapter that must handle it (``generic`` for outlets without one)."""
    title: str
    day: str
    """Publication day, ``YYYY-MM-DD`` (local time of the outlet)."""
    published: str | None = None
    """Full ISO timestamp with offset, where the page carries one."""
    authors: tuple[str, ...] = ()
    editor: str | None = None
    must_contain: tuple[str, ...] = field(default=())
    """Snippets the body must contain."""
    must_not_contain: tuple[str, ...] = field(default=())
    """Snippets seen on the page outside the article (related links, sidebars) that must stay out."""

    @property
    def path(self) -> Path:
        return HTML_DIR / self.file

    def html(self) -> bytes:
        """The raw page bytes (gunzipped when stored as .html.gz)."""
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.file.endswith(".gz") else data

    def expected_text(self) -> str | None:
        """The gold body text from expected/, or None when there is none for this page."""
        stem = self.file.removesuffix(".gz").removesuffix(".html")
        slasher = EXPECTED_DIR / f"{stem}.slasher_expectation.txt"
        if slasher.exists():
            return slasher.read_text(encoding="utf-8")
        fundus = EXPECTED_DIR / f"{stem}.fundus_expected.json"
        if fundus.exists():
            data = next(iter(json.loads(fundus.read_text(encoding="utf-8")).values()))
            return "\n".join(p for s in data["body"]["sections"] for p in s["headline"] + s["paragraphs"])
        zyte = EXPECTED_DIR / f"{stem}.zyte_ground_truth.json"
        if zyte.exists():
            return next(iter(json.loads(zyte.read_text(encoding="utf-8")).values()))["articleBody"]
        return None


def htmldate_days() -> dict[str, str]:
    """The htmldate gold publication days, by file name (reads expected/)."""
    data = json.loads((EXPECTED_DIR / "htmldate_expected_dates.json").read_text(encoding="utf-8"))
    return {name: entry["date"] for name, entry in data.items()}


def gold_pages() -> list[GoldPage]:
    """Every saved Indonesian page with its gold facts (no file is read here).

    The days of the two htmldate pages are those of ``htmldate_expected_dates.json``
    (a test checks they agree); the others are the pages' URL days, which the pages' own
    visible dates confirm.
    """
    tribun20 = "tribunnews.com_2020-05-04_pendidikan_jawaban-soal.html"
    detik23 = "health.detik.com_2023-11-02_stroke.html"
    return [
        GoldPage(
            tribun20,
            "https://www.tribunnews.com/pendidikan/2020/05/04/jawaban-soal-apa-dampak-negatif-jika-menunda-pekerjaan-belajar-dari-rumah-sma-di-tvri",
            "tribunnews",
            "Jawaban Soal Apa Dampak Negatif Jika Menunda Pekerjaan, Belajar dari Rumah SMA di TVRI",
            "2020-05-04",
            "2020-05-04T04:25:13+07:00",
            ("Muhammad Renald Shiftanto",),
            "Sri Juliati",
            ("Pertanyaan tersebut merupakan soal untuk SMA.",),
            ("Jawaban Soal SMP, Senin 4 Mei 2020", "Sahabat Pelangi: Juara Sejati"),
        ),
        GoldPage(
            detik23,
            "https://health.detik.com/true-story/d-7016153/curhat-wanita-kena-stroke-di-umur-26-ketahuan-saat-terkapar-di-kamar-mandi",
            "detik",
            "Curhat Wanita Kena Stroke di Umur 26, Ketahuan saat Terkapar di Kamar Mandi",
            "2023-11-02",
            "2023-11-02T20:59:53+07:00",
            ("Vidya Pinandhita",),
            None,
            ("Wanita tersebut adalah Donna King di County Durham, Inggris.",),
            ("Sederet Kebiasaan Pemicu Penyakit Darah Tinggi", "ADVERTISEMENT", "SCROLL TO CONTINUE"),
        ),
        GoldPage(
            "tribunnews.com_2015-06-19_metropolitan_uber.html",
            "http://www.tribunnews.com/metropolitan/2015/06/19/kadishub-dki-taksi-uber-tak-punya-izin-operasi-uji-kir-tidak-berargo-dan-bermahkota",
            "tribunnews",
            "Kadishub DKI: Taksi Uber Tak Punya Izin Operasi, Uji KIR, Tidak Berargo dan Bermahkota",
            "2015-06-19",
            "2015-06-19T13:05:17+07:00",
            must_contain=("Sebab, perusahaan itu tidak mempunyai syarat-syarat tertentu",),
            must_not_contain=("Ahok Ancam Copot Kepala Dinas Perhubungan DKI Jakarta",),
        ),
        GoldPage(
            "news.detik.com_2015-06_ugm-robot.html",
            "http://news.detik.com/berita/2943745/mahasiswa-ugm-kembangkan-robot-terapi-pascastroke",
            "detik",
            "Mahasiswa UGM Kembangkan Robot Terapi Pascastroke",
            "2015-06-16",
            "2015-06-16T14:05:11+07:00",
            ("Bagus Kurniawan",),
        ),
        GoldPage(
            "bola.kompas.com_2015-06-17_eks-pelatih.html",
            "http://bola.kompas.com/read/2015/06/17/22260808/Supaya.Timnya.Mengalah.Eks.Pelatih.Mengaku.Ditawari.Rp.200.Juta",
            "kompas",
            "Supaya Timnya Mengalah, Eks Pelatih Mengaku Ditawari Rp 200 Juta",
            "2015-06-17",
            "2015-06-17T22:26:00+07:00",
            ("Anju Christian",),
            "Jalu Wisnu Wirajati",
            ("Agus mengaku tak menerima tawaran tersebut.",),
            ("Dugaan Pengaturan Skor, dari Senopati hingga Soekarno-Hatta",),
        ),
        GoldPage(
            "news.liputan6.com_2015-06_jk-ahok.html",
            "http://news.liputan6.com/read/2254252/wapres-jk-dan-ahok-blusukan-dari-udara",
            "generic",
            "Wapres JK dan Ahok 'Blusukan' dari Udara",
            "2015-06-17",
        ),
        GoldPage(
            "news.okezone.com_2015-06-19_ahok-jokowi.html",
            "http://news.okezone.com/read/2015/06/19/337/1167966/ahok-dukung-jokowi-diberi-pangkat-bintang-lima",
            "generic",
            "Ahok Dukung Jokowi Diberi Pangkat Bintang Lima",
            "2015-06-19",
        ),
        GoldPage(
            "suara.com_2015-06-19_angeline.html",
            "http://www.suara.com/news/2015/06/19/130605/polda-bali-kumpulkan-4-alat-bukti-pembunuhan-angeline",
            "generic",
            "Polda Bali Kumpulkan 4 Alat Bukti Pembunuhan Angeline",
            "2015-06-19",
        ),
        GoldPage(
            "mediaindonesia.com_MediaIndonesia_2025_10_22.html.gz",
            "https://mediaindonesia.com/ekonomi/822959/kpk-tak-temukan-surat-pencabutan-iup-nikel-raja-ampat-apa-iya-betul-dicabut",
            "generic",
            "KPK tak Temukan Surat Pencabutan IUP Nikel Raja Ampat Apa Iya Betul Dicabut",
            "2025-10-22",
            authors=("Andhika",),
            must_contain=("Komisi Pemberantasan Korupsi (KPK) mengaku hingga saat ini belum menemukan",),
            must_not_contain=("Hasil Penyelidikan Tambang Nikel Raja Ampat Segera Dirilis", "Google News"),
        ),
        GoldPage(
            "mediaindonesia.com_MediaIndonesia_2026_01_08.html.gz",
            "https://mediaindonesia.com/ekonomi/848034/ihsg-hari-ini-sempat-tembus-9000-indeks-berbalik-melemah-akibat-profit-taking",
            "generic",
            "IHSG Hari Ini Sempat Tembus 9.000, Indeks Berbalik Melemah akibat Profit Taking",
            "2026-01-08",
            "2026-01-08T20:19:38+07:00",
            ("Indriyani Astuti",),
            must_contain=("IHSG ditutup melemah 0,22% atau turun 19,34 poin",),
            must_not_contain=("Sebanyak 66,1% responden menolak pilkada melalui DPRD", "HSG berhasil menjebol"),
        ),
        GoldPage(
            "kabarislamia.com_21486419bb109c5a62a68957f528e6ff29c92f58d8d3c1f2837c86ff3f3e11f9.html.gz",
            "https://kabarislamia.com/2015/03/30/jangan-membenci-satu-kaum-secara-berlebihan/",
            "generic",
            "Jangan Membenci Satu Kaum Secara Berlebihan",
            "2015-03-30",
        ),
        GoldPage(
            "kabarislamia.com_7837c9d66c815b9a21dd669a3dc21677c3f084b1b7dd603d56e87867d8970dd3.html.gz",
            "https://kabarislamia.com/2015/10/27/sejarah-pecahnya-islam-jadi-sunni-dan-syiah/",
            "generic",
            "Sejarah Pecahnya Islam jadi Sunni dan Syi’ah",
            "2015-10-27",
            must_not_contain=("Filed under",),
        ),
    ]


GENERIC_DIR = ROOT / "tests" / "fixtures" / "generic"


@dataclass(frozen=True)
class GenericPage:
    """One page of the generic test set (tests/fixtures/generic, see its SOURCE.md)."""

    file: str
    url: str
    expected: str
    """Path of the hand-written expected body, relative to the set's folder."""
    split: str = "test"
    """``dev`` (rules may be tuned on it) or ``test`` (scored only), drawn at random once."""

    def html(self) -> bytes:
        """The raw page bytes."""
        return gzip.decompress((GENERIC_DIR / self.file).read_bytes())

    def expected_text(self) -> str:
        """The expected article body, one paragraph a line."""
        return (GENERIC_DIR / self.expected).read_text(encoding="utf-8")


def generic_pages() -> list[GenericPage]:
    """The generic test set: real article pages of outlets without a warta adapter."""
    entries = json.loads((GENERIC_DIR / "pages.json").read_text(encoding="utf-8"))
    return [GenericPage(e["file"], e["url"], e["expected"], e.get("split", "test")) for e in entries]


@dataclass(frozen=True)
class ListingPage:
    """A real saved home page or listing (tests/fixtures/generic/listings): never an article."""

    file: str
    url: str

    def html(self) -> bytes:
        """The raw page bytes."""
        return gzip.decompress((GENERIC_DIR / "listings" / self.file).read_bytes())


def listing_pages() -> list[ListingPage]:
    """Real home pages and listings the generic adapter must refuse."""
    entries = json.loads((GENERIC_DIR / "listings" / "pages.json").read_text(encoding="utf-8"))
    return [ListingPage(e["file"], e["url"]) for e in entries]
