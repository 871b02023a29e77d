"""Places: Kemendagri names and codes, short forms, ambiguous names, kecamatan and desa, countries."""

from __future__ import annotations

import pytest

from extractors import Extractor

PUB = "2022-03-01"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _places(ex: Extractor, text: str) -> dict[str, str | None]:
    return {p.name: p.code for p in ex.extract(text, PUB).places}


def test_regions_by_official_name_and_code(ex: Extractor) -> None:
    got = _places(ex, "Banjir melanda Kabupaten Ogan Ilir dan Kota Prabumulih, Sumatera Selatan.")
    assert got == {"Kabupaten Ogan Ilir": "16.10", "Kota Prabumulih": "16.74", "Sumatera Selatan": "16"}


@pytest.mark.parametrize(
    ("short", "name", "code"),
    [("OKU Timur", "Kabupaten Ogan Komering Ulu Timur", "16.08"), ("PALI", "Kabupaten Penukal Abab Lematang Ilir", "16.12"),
     ("Muratara", "Kabupaten Musi Rawas Utara", "16.13"), ("Lubuklinggau", "Kota Lubuklinggau", "16.73"),
     ("Jateng", "Jawa Tengah", "33"), ("Kaltim", "Kalimantan Timur", "64")],
)
def test_short_forms(ex: Extractor, short: str, name: str, code: str) -> None:
    assert _places(ex, f"Tim berangkat menuju {short} pagi ini.") == {name: code}


def test_prefix_decides_an_ambiguous_name(ex: Extractor) -> None:
    got = _places(ex, "Kota Bengkulu dan Provinsi Bengkulu berbagi data. Bengkulu siap.")
    assert got["Kota Bengkulu"] == "17.71"
    assert got["Bengkulu"] == "17"


def test_bare_ambiguous_name_kept_as_written(ex: Extractor) -> None:
    assert _places(ex, "Rombongan tiba di Tangerang kemarin.") == {"Tangerang": None}


def test_kecamatan_desa_and_towns_in_a_mentioned_kabupaten(ex: Extractor) -> None:
    text = ("Warga Desa Sungai Rambutan, Kecamatan Indralaya Utara, Kabupaten Ogan Ilir, "
            "mengikuti lomba di Indralaya.")
    got = _places(ex, text)
    assert "Desa Sungai Rambutan" in got
    assert "Kecamatan Indralaya Utara" in got
    assert "Indralaya" in got


def test_countries_and_buildings(ex: Extractor) -> None:
    got = _places(ex, "Delegasi dari Malaysia menginap di Hotel Aryaduta Palembang.")
    assert "Malaysia" in got
    assert not any("Hotel" in n for n in got)


def test_person_named_like_a_region_is_not_a_place(ex: Extractor) -> None:
    assert "Bima" not in _places(ex, "Wali Kota Bogor Bima Saputra hadir.")


def test_ambiguous_bare_name_follows_the_prefixed_mention(ex: Extractor) -> None:
    got = _places(ex, "JAMBI, TRIBUNJAMBI.COM - Sebanyak 45 sekolah di Kota Jambi menjadi peserta program.")
    assert got == {"Kota Jambi": "15.71"}


def test_spelling_as_written_and_no_rivers_or_programme_names(ex: Extractor) -> None:
    got = _places(ex, "Kota Lubuklinggau ikut program Desa Digital. Kawasan di tepian Sungai Kapuas ditata. "
                      "Banjarnegara ikut Desa Digital fase 2.")
    assert "Kota Lubuklinggau" in got
    assert "Kabupaten Kapuas" not in got
    assert not any(name.startswith("Desa Digital") for name in got)


def test_short_form_and_town(ex: Extractor) -> None:
    # a town counts when its kabupaten is named in the article
    got = _places(ex, "Pos didirikan di Pangkep. Warga di Tana Paser, ibu kota Kabupaten Paser, menyambut baik.")
    assert got.get("Kabupaten Pangkajene dan Kepulauan") == "73.10"
    assert "Tana Paser" in got


def test_named_kampung_with_abbreviation_is_no_village(ex: Extractor) -> None:
    got = _places(ex, "Wabup meresmikan 35 Kampung Keluarga Berencana (KB) di Kecamatan Wedi, Kabupaten Klaten.")
    assert "Kampung Keluarga Berencana" not in got and "Kecamatan Wedi" in got


def test_villages_named_bare_in_a_kabupaten_the_article_names() -> None:
    from extractors import Extractor

    text = ("Pemerintah Kabupaten Sukabumi membangun jalan baru. Jalan itu melintasi Mandrajaya dan "
            "Girimukti hingga Ciemas.")
    names = {p.name for p in Extractor().extract(text, "2024-06-04").places}
    assert {"Mandrajaya", "Girimukti"} <= names


def test_village_names_are_not_read_without_their_kabupaten() -> None:
    from extractors import Extractor

    names = {p.name for p in Extractor().extract("Warga Loji dan Mandrajaya berkumpul di balai.", "2024-06-04").places}
    assert "Mandrajaya" not in names


def test_a_geopark_or_a_people_named_after_a_region_is_no_place() -> None:
    from extractors import Extractor

    text = "Kawasan itu adalah Geopark Pangandaran. Festival menampilkan ritual adat Batak Toba."
    names = {p.name for p in Extractor().extract(text, "2024-06-04").places}
    assert not names & {"Kabupaten Pangandaran", "Pangandaran", "Kabupaten Toba", "Toba"}
