"""The generic adapter's body choice and article gate (issue #15), on small pages written here.

Real pages are measured in tests/test_generic_set.py; these pin the rules one at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.adapters import parse_article
from scrapers.adapters.base import Page
from scrapers.adapters.boilerplate import clean_paragraphs, is_boilerplate
from scrapers.adapters.generic import (
    MIN_EVIDENCE,
    Candidate,
    GenericAdapter,
    article_evidence,
    choose,
    confirmed,
    tidy,
)
from scrapers.exceptions import NotAnArticle

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
GENERIC_URL = "https://wartamusi.example/daerah/2023/11/02/kota-lubuklinggau-luncurkan-layanan-data-terpadu"

# A district press release as small sites publish them: no JSON-LD, no og:type, no <article>,
# no date in the URL, only an id in the query string.
RELEASE_PARAGRAPHS = [
    "Pemerintah Kabupaten Musi Rawas menggelar rapat koordinasi penanganan banjir bersama camat, "
    "kepala desa dan relawan di aula kantor bupati pada Kamis pagi.",
    "Dalam rapat itu Sekretaris Daerah meminta setiap kecamatan menyiapkan posko siaga, perahu karet "
    "dan dapur umum sebelum puncak musim hujan yang diperkirakan datang pada akhir bulan ini.",
    "Badan Penanggulangan Bencana Daerah mencatat tujuh desa di sepanjang aliran sungai pernah terendam "
    "pada tahun lalu, sehingga warga di desa tersebut akan mendapat pelatihan evakuasi lebih dulu.",
    "Dinas Sosial menyiapkan cadangan beras, selimut dan obat-obatan yang dapat disalurkan dalam waktu "
    "satu hari setelah laporan banjir masuk dari kepala desa.",
    "Bupati mengingatkan warga agar tidak membuang sampah ke sungai dan segera melapor ke posko terdekat "
    "apabila permukaan air naik melebihi batas aman yang sudah ditandai di setiap jembatan.",
]


def release_html(paragraphs: list[str] = RELEASE_PARAGRAPHS) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Pemkab Musi Rawas Siagakan Posko Banjir di Tiap Kecamatan</title></head><body>"
        '<div class="menu"><a href="/">Beranda</a> <a href="/berita">Berita</a> <a href="/profil">Profil</a></div>'
        '<div class="isi"><h1>Pemkab Musi Rawas Siagakan Posko Banjir di Tiap Kecamatan</h1>'
        f'<div class="tanggal">Kamis, 2 November 2023</div>{body}</div>'
        '<div class="kaki">Dinas Komunikasi dan Informatika Kabupaten Musi Rawas</div></body></html>'
    )


def listing_html() -> str:
    cards = "".join(
        f'<article><h2><a href="/berita/{i}">Kabar daerah nomor {i} dari kecamatan di Musi Rawas hari ini</a></h2>'
        f'<p><a href="/berita/{i}">Ringkasan singkat kabar nomor {i} yang dimuat di halaman depan portal</a></p></article>'
        for i in range(12)
    )
    return f"<html><head><title>Berita Daerah - Portal Musi</title></head><body><h1>Berita Daerah</h1>{cards}</body></html>"


def test_press_release_without_markup_is_an_article() -> None:
    art = parse_article(release_html(), "https://musirawaskab.example/news_view.html?idx=5123")
    assert art.adapter == "generic"
    assert art.title == "Pemkab Musi Rawas Siagakan Posko Banjir di Tiap Kecamatan"
    assert art.paragraphs == RELEASE_PARAGRAPHS


def test_same_release_at_the_site_root_is_refused_unless_forced() -> None:
    with pytest.raises(NotAnArticle) as info:
        parse_article(release_html(), "https://musirawaskab.example/")
    assert "--force" in str(info.value)
    forced = parse_article(release_html(), "https://musirawaskab.example/", force=True)
    assert forced.paragraphs == RELEASE_PARAGRAPHS


def test_listing_of_cards_is_refused_and_forced_parse_keeps_its_text() -> None:
    url = "https://portalmusi.example/kategori/daerah"
    with pytest.raises(NotAnArticle):
        parse_article(listing_html(), url)
    forced = parse_article(listing_html(), url, force=True)
    assert forced.title == "Berita Daerah"
    assert any("kabar nomor 3 " in p for p in forced.paragraphs)


def test_evidence_names_its_reasons() -> None:
    page = Page.from_html(listing_html(), "https://portalmusi.example/kategori/daerah")
    paragraphs = GenericAdapter(require_evidence=False).extract(page, "Berita Daerah")
    evidence = article_evidence(page, paragraphs, "Berita Daerah")
    assert evidence.score < MIN_EVIDENCE
    assert any("listing URL" in r for r in evidence.reasons)
    assert any("<article> cards" in r for r in evidence.reasons)


def test_json_ld_summary_is_not_taken_over_the_page_body() -> None:
    html = (FIXTURES / "generic_article.html").read_text(encoding="utf-8")
    summary = "Pemerintah Kota Lubuklinggau meluncurkan layanan data terpadu."
    html = html.replace('"articleSection": "Daerah",', f'"articleSection": "Daerah", "articleBody": "{summary}",')
    art = parse_article(html, GENERIC_URL)
    assert len(art.paragraphs) == 3
    assert art.paragraphs[1].startswith("Wali Kota Lubuklinggau mengatakan")


def test_choose_keeps_the_body_the_others_agree_on() -> None:
    body = ["Rapat koordinasi banjir digelar di aula kantor bupati bersama camat dan kepala desa."] * 3
    noisy = Candidate("trafilatura", ["Beranda Berita Profil Kontak Masuk Daftar Cari Indeks"] * 6)
    own = Candidate("own-rules", body)
    structured = Candidate("json-ld", body[:2] + ["Posko siaga disiapkan di setiap kecamatan."])
    assert choose([noisy, own, structured]) is own
    assert choose([Candidate("json-ld", []), Candidate("own-rules", [])]) is None


def test_a_summary_in_json_ld_loses_even_alone_against_one_body() -> None:
    body = Candidate("own-rules", [f"Paragraf isi berita nomor {i} tentang rapat banjir di kabupaten." for i in range(8)])
    summary = Candidate("json-ld", ["Paragraf isi berita nomor 1 tentang rapat banjir di kabupaten."])
    assert choose([summary, body]) is body


def test_a_lead_agreeing_with_a_json_ld_summary_is_not_confirmed_over_the_body() -> None:
    body = [f"Paragraf isi berita nomor {i} tentang rapat koordinasi banjir di kabupaten." for i in range(10)]
    lead = Candidate("trafilatura", body[:2])
    own = Candidate("own-rules", body)
    summary = Candidate("json-ld", body[:2])
    assert not confirmed(lead, own, summary)
    assert choose([lead, own, summary]) is own
    assert confirmed(Candidate("trafilatura", body), own, summary)


def test_tidy_drops_title_repeat_bullets_and_trailing_menu_words() -> None:
    paragraphs = ["Judul Berita Ini", "Isi pertama berita.", "- butir daftar ketiga", "Suche", "Kleinanzeigen"]
    assert tidy(paragraphs, "Judul Berita Ini") == ["Isi pertama berita.", "butir daftar ketiga"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Advertisements for cigarettes were banned on television in 1971.",
        "Copyright law in Indonesia protects an author for life plus seventy years.",
        "Editorial boards of three newspapers signed the letter.",
    ],
)
def test_indonesian_boilerplate_rules_keep_what_they_do_not_recognise(paragraph: str) -> None:
    """Issue #15: whole-word prefixes; "Copyright" alone no longer condemns a paragraph."""
    assert not is_boilerplate(paragraph)
    assert clean_paragraphs(["Kalimat pertama.", paragraph]) == ["Kalimat pertama.", paragraph]
