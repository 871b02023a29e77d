"""Site adapters on small pages written for these tests (tests/fixtures/pages/): exact fields."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.models import Article
from scrapers.adapters import (
    BOILERPLATE_PHRASES,
    adapter_for,
    contains_boilerplate,
    join_pages,
    parse_article,
    parse_file,
)
from scrapers.adapters.boilerplate import clean_paragraphs, is_boilerplate
from scrapers.adapters.dates import WIB, WIT, WITA, date_from_url, parse_iso, parse_local
from scrapers.exceptions import NotAnArticle, ParseError

PAGES = Path(__file__).parent / "fixtures" / "pages"
TRIBUN_URL = "https://sumsel.tribunnews.com/2023/11/02/pemkab-muara-enim-raih-penghargaan-smart-city"
DETIK_URL = "https://news.detik.com/berita/d-7016999/warga-yogyakarta-gelar-kirab-budaya"
KOMPAS_URL = "https://regional.kompas.com/read/2023/11/02/213400178/gubernur-sumsel-tinjau-banjir-di-palembang"
ANTARA_URL = "https://makassar.antaranews.com/berita/512345/pemprov-sulsel-salurkan-bantuan-benih"
SUMEKS_URL = "https://sumeks.co/jalan-lintas-sumatera-diperbaiki/"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def assert_clean(article: Article) -> None:
    assert contains_boilerplate(article.text) == []
    for phrase in BOILERPLATE_PHRASES:
        assert phrase.lower() not in article.text.lower(), phrase


# --------------------------------------------------------------------------- choosing adapters


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://sumsel.tribunnews.com/2023/11/02/x", "tribunnews"),
        ("https://www.tribunnews.com/nasional/2023/11/02/x", "tribunnews"),
        ("https://m.tribunnews.com/nasional/2023/11/02/x", "tribunnews"),
        ("https://news.detik.com/berita/d-1/x", "detik"),
        ("https://regional.kompas.com/read/2023/11/02/1/x", "kompas"),
        ("https://www.antaranews.com/berita/1/x", "antara"),
        ("https://sumeks.co/x/", "sumeks"),
        ("https://mediaindonesia.com/ekonomi/1/x", "generic"),
    ],
)
def test_adapter_for_host(url: str, name: str) -> None:
    assert adapter_for(url).name == name


@pytest.mark.parametrize(
    ("fixture", "name"),
    [("tribun_page1.html", "tribunnews"), ("detik_pubdate.html", "detik"), ("kompas_readtime.html", "kompas"),
     ("antara_wita.html", "antara"), ("listing.html", "generic")],
)
def test_adapter_for_unknown_host_uses_markup(fixture: str, name: str) -> None:
    assert adapter_for("http://127.0.0.1:8765/berita/1", page(fixture)).name == name
    assert adapter_for("http://127.0.0.1:8765/berita/1").name == "generic"


def test_mirror_page_keys_on_declared_canonical_host() -> None:
    html = page("tribun_page1.html").replace(
        "https://sumsel.tribunnews.com/2023/11/02/", "https://tribun-demo.warta.example/2023/11/02/"
    )
    art = parse_article(html, "http://127.0.0.1:8765/2023/11/02/pemkab?utm_source=x")
    assert art.adapter == "tribunnews"
    assert art.url == "http://127.0.0.1:8765/2023/11/02/pemkab?utm_source=x"
    assert art.canonical_url == "https://tribun-demo.warta.example/2023/11/02/pemkab-muara-enim-raih-penghargaan-smart-city"
    assert art.outlet == "tribun-demo.warta.example"


# --------------------------------------------------------------------------- Tribunnews


def test_tribunnews_page_fields() -> None:
    art = parse_article(page("tribun_page1.html").encode("utf-8"), TRIBUN_URL)
    assert art.adapter == "tribunnews"
    assert art.canonical_url == TRIBUN_URL
    assert art.outlet == "sumsel.tribunnews.com"
    assert art.title == "Pemkab Muara Enim Raih Penghargaan Smart City"
    assert art.authors == ["Arief Basuki Rohekan"]
    assert art.editor == "Weni Wahyuny"
    assert art.published == dt.datetime(2023, 11, 2, 20, 59, tzinfo=WIB)
    assert art.published.utcoffset() == dt.timedelta(hours=7)
    assert art.updated == dt.datetime(2023, 11, 2, 21, 10, tzinfo=WIB)
    assert art.section == "Muara Enim"
    assert art.tags == ["smart city", "Muara Enim"]
    assert art.dateline == "TRIBUNSUMSEL.COM, PALEMBANG"
    assert art.paragraphs == [
        "Pemerintah Kabupaten Muara Enim meraih penghargaan Gerakan Menuju 100 Smart City Tahap 3 Tahun 2019.",
        "Penghargaan diserahkan di Jakarta, Kamis (2/11/2023).",
        "Bupati Muara Enim Ahmad Yani menyampaikan terima kasih kepada seluruh jajaran.",
    ]
    assert art.html == page("tribun_page1.html").encode("utf-8")
    assert_clean(art)


@pytest.mark.parametrize(
    ("credit", "writer"),
    [
        ("Laporan Wartawan Tribunsumsel.com, Arief Basuki Rohekan", "Arief Basuki Rohekan"),
        ("Laporan wartawan Tribunjogja.com Christi Mahatma Wardhani", "Christi Mahatma Wardhani"),
        ("Laporan Reporter Tribun Jogja, Ardhike Indah", "Ardhike Indah"),
    ],
)
def test_tribunnews_writer_from_laporan_line(credit: str, writer: str) -> None:
    html = page("tribun_page1.html").replace('<div id="penulis">Penulis: Arief Basuki Rohekan</div>', "")
    html = html.replace("Laporan Wartawan Tribunsumsel.com, Arief Basuki Rohekan", credit)
    art = parse_article(html, TRIBUN_URL)
    assert art.authors == [writer]
    assert art.editor == "Weni Wahyuny"
    assert not any(p.startswith("Laporan") for p in art.paragraphs)


def test_tribunnews_pager_and_join() -> None:
    adapter = adapter_for(TRIBUN_URL)
    assert adapter.all_pages_url(TRIBUN_URL) == TRIBUN_URL + "?page=all"
    assert adapter.all_pages_url(TRIBUN_URL + "?page=2") == TRIBUN_URL + "?page=all"
    assert adapter.next_page_urls(page("tribun_page1.html"), TRIBUN_URL) == [TRIBUN_URL + "?page=2"]
    assert adapter.next_page_urls(page("tribun_page2.html"), TRIBUN_URL + "?page=2") == []
    first = adapter.parse(page("tribun_page1.html"), TRIBUN_URL)
    second = adapter.parse(page("tribun_page2.html"), TRIBUN_URL + "?page=2")
    assert second.canonical_url == first.canonical_url
    joined = join_pages([first, second])
    assert joined.pages == 2
    assert joined.title == first.title and joined.published == first.published
    assert joined.paragraphs == first.paragraphs + ["Program ini akan dilanjutkan pada tahun berikutnya."]
    assert_clean(joined)


def test_join_pages_needs_pages() -> None:
    with pytest.raises(ValueError):
        join_pages([])


# --------------------------------------------------------------------------- detik


def test_detik_pubdate_trap_is_wib() -> None:
    html = page("detik_pubdate.html").replace('<div class="detail__date">Kamis, 02 Nov 2023 20:59 WIB</div>', "")
    art = parse_article(html, DETIK_URL)
    assert art.adapter == "detik"
    # "2023-11-02T20-59-53Z" is WIB wall-clock time, not UTC
    assert art.published == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert art.published.isoformat() == "2023-11-02T20:59:53+07:00"


def test_detik_regional_zone_from_printed_date() -> None:
    html = page("detik_pubdate.html").replace("20:59 WIB", "20:59 WIT")
    art = parse_article(html, DETIK_URL)  # pubdate wall time, zone from the printed date
    assert art.published == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIT)
    unix = int(dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIT).timestamp() * 1000)
    html = html.replace('<meta name="pubdate"', f'<meta name="dtk:publishdateunix" content="{unix}"><meta name="pubdate"')
    art = parse_article(html, DETIK_URL)
    assert art.published == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIT)
    assert art.published.isoformat() == "2023-11-02T20:59:53+09:00"


def test_detik_page_fields() -> None:
    art = parse_article(page("detik_pubdate.html"), DETIK_URL + "?single=1")
    assert art.canonical_url == DETIK_URL
    assert art.outlet == "news.detik.com"
    assert art.title == "Warga Yogyakarta Gelar Kirab Budaya"
    assert art.authors == ["Pradito Rida Pertana"]
    assert art.editor is None
    assert art.section == "detikNews"
    assert art.tags == ["kirab budaya"]
    assert art.dateline == "Yogyakarta"
    assert art.paragraphs == [
        "Ribuan warga Kota Yogyakarta mengikuti kirab budaya pada Kamis (2/11/2023).",
        "Wali Kota Yogyakarta Haryadi Suyuti membuka acara tersebut.",
        "Kirab berakhir di Alun-alun Utara menjelang sore.",
    ]
    assert_clean(art)
    assert adapter_for(DETIK_URL).all_pages_url(DETIK_URL) == DETIK_URL + "?single=1"


# --------------------------------------------------------------------------- Kompas


def test_kompas_read_time_is_day_month_year() -> None:
    art = parse_article(page("kompas_readtime.html"), KOMPAS_URL + "?page=all")
    assert art.adapter == "kompas"
    assert art.published == dt.datetime(2023, 11, 2, 21, 34, tzinfo=WIB)  # 02/11 is 2 November
    assert art.authors == ["Aji YK Putra"]  # content_author: the writer
    assert art.editor == "Reni Susanti"  # the JSON-LD author is the editor
    assert art.canonical_url == KOMPAS_URL
    assert art.title == "Gubernur Sumsel Tinjau Banjir di Palembang"
    assert art.section == "Regional"
    assert art.tags == ["banjir", "Palembang"]
    assert art.dateline == "PALEMBANG, KOMPAS.com"
    assert art.paragraphs == [
        "Gubernur Sumatera Selatan meninjau lokasi banjir di Kota Palembang, Kamis (2/11/2023).",
        "Ia meminta dinas terkait segera menyalurkan bantuan kepada warga.",
    ]
    assert_clean(art)
    assert adapter_for(KOMPAS_URL).all_pages_url(KOMPAS_URL) == KOMPAS_URL + "?page=all"


def test_zone_less_json_ld_time_gets_the_printed_zone() -> None:
    html = page("kompas_readtime.html").replace(
        '"author": {"@type": "Person", "name": "Reni Susanti"}',
        '"author": {"@type": "Person", "name": "Reni Susanti"}, "datePublished": "2023-11-02 21:34:00"',
    )
    assert parse_article(html, KOMPAS_URL).published == dt.datetime(2023, 11, 2, 21, 34, tzinfo=WIB)
    # an ANTARA regional page: the printed WITA time gives the offset
    html = page("antara_wita.html").replace(
        "<head>", '<head><meta property="article:published_time" content="2023-11-02T14:05:00">'
    )
    assert parse_article(html, ANTARA_URL).published == dt.datetime(2023, 11, 2, 14, 5, tzinfo=WITA)


def test_kompas_utc_meta_shown_in_wib_when_no_read_time() -> None:
    html = page("kompas_readtime.html").replace("Kompas.com - 02/11/2023, 21:34 WIB", "")
    art = parse_article(html, KOMPAS_URL)
    assert art.published == dt.datetime(2023, 11, 2, 21, 34, tzinfo=WIB)
    assert art.published.utcoffset() == dt.timedelta(hours=7)


# --------------------------------------------------------------------------- ANTARA


def test_antara_wita_credits_and_copyright() -> None:
    art = parse_article(page("antara_wita.html"), ANTARA_URL)
    assert art.adapter == "antara"
    assert art.outlet == "makassar.antaranews.com"
    assert art.title == "Pemprov Sulsel Salurkan Bantuan Benih"
    assert art.published == dt.datetime(2023, 11, 2, 14, 5, tzinfo=WITA)
    assert art.published.utcoffset() == dt.timedelta(hours=8)
    assert art.authors == ["Nur Suhra Wardyah"]
    assert art.editor == "Redaktur Makassar"
    assert art.dateline == "Makassar (ANTARA)"
    assert art.tags == ["benih"]
    assert art.paragraphs == [
        "Pemerintah Provinsi Sulawesi Selatan menyalurkan bantuan benih padi kepada petani di Kabupaten Gowa.",
        "Kepala Dinas Pertanian mengatakan bantuan itu untuk musim tanam berikutnya.",
        '"Kami berharap hasil panen meningkat," katanya.',
    ]
    assert_clean(art)
    assert adapter_for(ANTARA_URL).all_pages_url(ANTARA_URL) is None


def test_antara_wit_offset() -> None:
    html = page("antara_wita.html").replace("14:05 WITA", "14:05 WIT").replace("Makassar (ANTARA)", "Jayapura (ANTARA)")
    art = parse_article(html.replace("makassar.antaranews.com", "papua.antaranews.com"),
                        ANTARA_URL.replace("makassar", "papua"))
    assert art.published == dt.datetime(2023, 11, 2, 14, 5, tzinfo=WIT)
    assert art.published.utcoffset() == dt.timedelta(hours=9)
    assert art.dateline == "Jayapura (ANTARA)"
    assert art.outlet == "papua.antaranews.com"


# --------------------------------------------------------------------------- Sumeks (WordPress)


def test_sumeks_wordpress_fields() -> None:
    art = parse_article(page("sumeks_wp.html"), SUMEKS_URL)
    assert art.adapter == "sumeks"
    assert art.outlet == "sumeks.co"
    assert art.title == "Jalan Lintas Sumatera Diperbaiki"
    assert art.authors == ["Rendi Saputra"]
    assert art.published == dt.datetime(2023, 11, 2, 9, 15, tzinfo=WIB)
    assert art.updated == dt.datetime(2023, 11, 2, 10, 0, tzinfo=WIB)
    assert art.section == "Sumsel"
    assert art.tags == ["jalan"]
    assert art.dateline == "PALEMBANG, SUMEKS.CO"
    assert art.paragraphs == [
        "Dinas PUPR memperbaiki ruas Jalan Lintas Sumatera di Kabupaten Ogan Ilir.",
        "Perbaikan ditargetkan rampung akhir bulan ini.",
    ]


# --------------------------------------------------------------------------- generic


GENERIC_URL = "https://wartamusi.example/daerah/2023/11/02/kota-lubuklinggau-luncurkan-layanan-data-terpadu"


def test_generic_article_structured_data_and_clean_body() -> None:
    art = parse_article(page("generic_article.html"), GENERIC_URL + "?fbclid=abc")
    assert art.adapter == "generic"
    assert art.canonical_url == GENERIC_URL  # rel=canonical, tracking parameter dropped
    assert art.outlet == "wartamusi.example"
    assert art.title == "Kota Lubuklinggau Luncurkan Layanan Data Terpadu"
    assert art.authors == ["Siti Aminah"]  # the Organization author is not a writer
    assert art.editor == "Budi Santoso"  # from the "Editor:" line, which leaves the body
    assert art.published == dt.datetime(2023, 11, 2, 10, 30, tzinfo=WIB)
    assert art.section == "Daerah"
    assert art.tags == ["data terpadu", "Lubuklinggau"]
    assert art.dateline == "LUBUKLINGGAU"
    assert art.paragraphs == [
        "Pemerintah Kota Lubuklinggau meluncurkan layanan data terpadu yang menghubungkan seluruh "
        "organisasi perangkat daerah dalam satu portal.",
        "Wali Kota Lubuklinggau mengatakan portal itu memudahkan warga mencari data kependudukan, "
        "kesehatan dan pendidikan tanpa harus datang ke kantor dinas.",
        "Layanan tersebut dapat diakses melalui ponsel maupun komputer sejak hari ini dan akan terus "
        "diperbarui setiap bulan oleh Dinas Komunikasi dan Informatika.",
    ]
    assert_clean(art)


def test_generic_home_page_is_not_an_article() -> None:
    html = page("generic_article.html").replace('<meta property="og:type" content="article">', "")
    html = html.replace('"@type": "NewsArticle"', '"@type": "WebPage"').replace("<article>", "<div>")
    html = html.replace("</article>", "</div>")
    with pytest.raises(NotAnArticle):
        parse_article(html, "https://wartamusi.example/")
    with pytest.raises(NotAnArticle):
        parse_article(html, "https://wartamusi.example/daerah")
    # the same markup at a dated article URL is accepted
    assert parse_article(html, GENERIC_URL).title == "Kota Lubuklinggau Luncurkan Layanan Data Terpadu"


def test_generic_falls_back_to_json_ld_article_body() -> None:
    body = ("Pemerintah Kota Lubuklinggau meluncurkan layanan data terpadu bagi warga. " * 4).strip()
    html = page("generic_article.html")
    start, end = html.index("<main>"), html.index("</main>") + len("</main>")
    html = html[:start] + '<div id="app"></div>' + html[end:]
    html = html.replace('"articleSection": "Daerah",', f'"articleSection": "Daerah", "articleBody": "{body}\\nBaca juga: Lain",')
    art = parse_article(html, GENERIC_URL)
    assert art.paragraphs == [body]


def test_kompas_pager_links() -> None:
    html = page("kompas_readtime.html").replace(
        '<div class="comment-section">',
        f'<div class="read__paging"><a href="{KOMPAS_URL}?page=2">2</a><a href="{KOMPAS_URL}?page=3">3</a>'
        f'<a href="{KOMPAS_URL}?page=2">Selanjutnya</a><a href="https://other.example/x?page=9">x</a></div>'
        '<div class="comment-section">',
    )
    assert adapter_for(KOMPAS_URL).next_page_urls(html, KOMPAS_URL) == [KOMPAS_URL + "?page=2", KOMPAS_URL + "?page=3"]
    assert adapter_for(KOMPAS_URL).next_page_urls(html, KOMPAS_URL + "?page=2") == [KOMPAS_URL + "?page=3"]


# --------------------------------------------------------------------------- rejections and errors


def test_listing_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        parse_article(page("listing.html"), "https://sumsel.tribunnews.com/index-news")
    with pytest.raises(NotAnArticle):
        parse_article(page("listing.html"), "https://example.org/berita")


def test_empty_page_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        parse_article(b"", TRIBUN_URL)
    assert isinstance(info.value, ValueError)


def test_parse_file_reads_gzip(tmp_path: Path) -> None:
    import gzip

    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(page("detik_pubdate.html").encode("utf-8")))
    art = parse_file(saved, DETIK_URL)
    assert art.title == "Warga Yogyakarta Gelar Kirab Budaya"
    # without a URL the adapter comes from the markup, the canonical URL from the page
    assert parse_file(saved).canonical_url == DETIK_URL


def test_bytes_are_decoded_by_declared_charset() -> None:
    html = page("sumeks_wp.html").replace('charset="utf-8"', 'charset="windows-1252"')
    html = html.replace("Perbaikan ditargetkan", "Perbaikan ditargetkan – caf\u00e9 –")
    art = parse_article(html.encode("cp1252"), SUMEKS_URL, "text/html")
    assert art.paragraphs[1].startswith("Perbaikan ditargetkan – café –")


# --------------------------------------------------------------------------- boilerplate rules


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Harga cabai naik",
        "Baca: Jawaban soal TVRI",
        "Lihat juga video berikut",
        "Simak Video \"Banjir\" [Gambas:Video 20detik]",
        "Ikuti kami di Google News",
        "Berita Terkait",
        "Berita Terkini",
        "Artikel ini telah tayang di Tribunsumsel.com dengan judul X",
        "Editor: Weni",
        "Penulis: Arief",
        "Pewarta: Nur",
        "Laporan Wartawan Tribunsumsel.com, Arief Basuki Rohekan",
        "© 2023 TRIBUNnews.com Network",
        "Copyright © ANTARA 2023",
        "Okezone.com, All Right Reserved",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com di Telegram",
        "Simak berita terbaru Tribunsumsel.com di Google News",
        "Periksa kembali dan lengkapi data dirimu.",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)
    assert clean_paragraphs(["Kalimat pertama.", line]) == ["Kalimat pertama."]


def test_clean_paragraphs_keeps_text_drops_duplicates_and_initials() -> None:
    paragraphs = [" Bupati  membuka\u00a0acara. ", "Bupati membuka acara.", "Acara selesai sore hari. (vyp/kna)"]
    assert clean_paragraphs(paragraphs) == ["Bupati membuka acara.", "Acara selesai sore hari."]
    assert clean_paragraphs(["Rapat ditutup. (Mvi/Ali)"]) == ["Rapat ditutup."]
    assert clean_paragraphs(["Rapat ditutup.", "Baca juga : Hasil rapat"]) == ["Rapat ditutup."]
    assert clean_paragraphs(["Ketua KPU hadir (Pemilu)"]) == ["Ketua KPU hadir (Pemilu)"]
    assert clean_paragraphs(["Anggaran\u200b naik."]) == ["Anggaran naik."]
    assert not is_boilerplate("Bacaan Al Quran dilantunkan pada pembukaan acara.")


@pytest.mark.parametrize(
    ("first", "dateline", "rest"),
    [
        ("TRIBUNSUMSEL.COM, PALEMBANG - Pemerintah kota", "TRIBUNSUMSEL.COM, PALEMBANG", "Pemerintah kota"),
        ("JAKARTA, KOMPAS.com - Mantan pelatih", "JAKARTA, KOMPAS.com", "Mantan pelatih"),
        ("Yogyakarta -", "Yogyakarta", None),
        ("Palembang (ANTARA) - Gubernur", "Palembang (ANTARA)", "Gubernur"),
        ("Jakarta, CNN Indonesia -- Presiden", "Jakarta, CNN Indonesia", "Presiden"),
        ("TRIBUN-MEDAN.com, MEDAN - Polisi", "TRIBUN-MEDAN.com, MEDAN", "Polisi"),
        ("Liputan6.com, Jakarta - Pada hari", "Liputan6.com, Jakarta", "Pada hari"),
        ("Presiden Joko Widodo - yang akrab disapa Jokowi - hadir.", None, None),
        ("Kepala Dinas Kesehatan Kota - Dr Ani - hadir.", None, None),
    ],
)
def test_strip_dateline(first: str, dateline: str | None, rest: str | None) -> None:
    from scrapers.adapters.base import strip_dateline

    paragraphs, found = strip_dateline([first, "Paragraf kedua."])
    assert found == dateline
    if dateline is None:
        assert paragraphs == [first, "Paragraf kedua."]
    else:
        assert paragraphs == ([rest] if rest else []) + ["Paragraf kedua."]


def test_title_site_name_suffix_cut_only_when_it_names_the_site() -> None:
    html = page("generic_article.html").replace(
        '"headline": "Kota Lubuklinggau Luncurkan Layanan Data Terpadu",', ""
    ).replace('<meta property="og:type" content="article">',
              '<meta property="og:type" content="article"><meta property="og:site_name" content="Warta Musi">'
              '<meta property="og:title" content="Kota Lubuklinggau Luncurkan Layanan Data Terpadu - Warta Musi">')
    assert parse_article(html, GENERIC_URL).title == "Kota Lubuklinggau Luncurkan Layanan Data Terpadu"
    html = html.replace("Data Terpadu - Warta Musi", "Data Terpadu - Tahap Pertama")
    assert parse_article(html, GENERIC_URL).title == "Kota Lubuklinggau Luncurkan Layanan Data Terpadu - Tahap Pertama"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senin, 4 Mei 2020 04:25 WIB", dt.datetime(2020, 5, 4, 4, 25, tzinfo=WIB)),
        ("Kompas.com - 02/11/2023, 21:34 WIB".split(" - ")[1], dt.datetime(2023, 11, 2, 21, 34, tzinfo=WIB)),
        ("Kamis, 02 Nov 2023 20:59 WITA", dt.datetime(2023, 11, 2, 20, 59, tzinfo=WITA)),
        ("Jumat, 3 Nopember 2023 08.15 WIT", dt.datetime(2023, 11, 3, 8, 15, tzinfo=WIT)),
        ("Rabu, 17 Juni 2015 | 22:26 WIB", dt.datetime(2015, 6, 17, 22, 26, tzinfo=WIB)),
        ("17 Agustus 2023", dt.datetime(2023, 8, 17)),
        ("2023-11-02T20:59:00+07:00", dt.datetime(2023, 11, 2, 20, 59, tzinfo=WIB)),
    ],
)
def test_parse_local(text: str, expected: dt.datetime) -> None:
    value = parse_local(text)
    assert value == expected
    assert (value.utcoffset() if value else None) == expected.utcoffset()


def test_parse_local_falls_back_to_dateparser() -> None:
    assert parse_local("November 2, 2023 9:15 PM") == dt.datetime(2023, 11, 2, 21, 15)


def test_parse_iso_and_url_dates() -> None:
    assert parse_iso("2023-11-02T20-59-53Z") == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert parse_iso("2023-11-02T14:34:00+00:00") == dt.datetime(2023, 11, 2, 14, 34, tzinfo=dt.timezone.utc)
    assert parse_iso("kemarin") is None
    assert date_from_url("https://www.tribunnews.com/pendidikan/2020/05/04/jawaban") == dt.date(2020, 5, 4)
    assert date_from_url("https://news.detik.com/berita/d-1/x") is None


def test_dateline_after_photo_caption_is_moved_out() -> None:
    """A caption line above the lead does not keep the outlet's dateline in the body (foundation issue)."""
    from scrapers.adapters.base import strip_dateline

    paras = ["Wali Kota Contoh H. Rudi Hartono dan Wakil Wali Kota Sari Dewi", "TRIBUNSUMSEL.COM - Pemkot Contoh meluncurkan aplikasi.", "Paragraf kedua."]
    out, dateline = strip_dateline(paras)
    assert dateline == "TRIBUNSUMSEL.COM"
    assert out == [paras[0], "Pemkot Contoh meluncurkan aplikasi.", "Paragraf kedua."]
    # a full sentence first is a lead, not a caption: a later dateline-like opening stays
    lead = ["Pemkot Contoh meluncurkan aplikasi aduan warga.", "TRIBUNSUMSEL.COM - Ini bukan dateline."]
    assert strip_dateline(lead) == (lead, None)
