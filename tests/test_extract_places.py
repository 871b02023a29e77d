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


def test_one_name_a_region_as_first_written(ex: Extractor) -> None:
    got = _places(ex, "Pemprov DKI Jakarta menata trotoar. Warga Jakarta menyambut baik.")
    assert got == {"DKI Jakarta": "31"}


def test_kinds_of_village_and_acronyms_after_desa_are_no_village(ex: Extractor) -> None:
    got = _places(ex, "Kabupaten Lahat membina Desa Wisata dan Kampung Adat. Kabid Pemerintahan Desa dan "
                      "Kelurahan DPMD Lahat hadir.")
    assert got == {"Kabupaten Lahat": "16.04"}


def test_months_and_diseases_are_no_bare_kecamatan(ex: Extractor) -> None:
    got = _places(ex, "Bupati Aceh Utara meninjau PIN Polio pada Kamis, 25 Juli 2019.")
    assert got == {"Kabupaten Aceh Utara": "11.08"}


def test_names_joined_by_hyphens_are_separate_places(ex: Extractor) -> None:
    got = _places(ex, "Jalan rusak di Cikembar-Jampangtengah, Kabupaten Sukabumi, dan kereta Bogor-Sukabumi terhenti.")
    assert {"Cikembar", "Jampangtengah", "Bogor", "Kabupaten Sukabumi"} <= set(got)


def test_a_hyphenated_road_or_geopark_name_stays_whole(ex: Extractor) -> None:
    got = _places(ex, "Jalan Tol Bogor-Ciawi dibangun dekat Geopark Nasional Ciletuh-Palabuhanratu, Kabupaten Sukabumi.")
    assert got == {"Kabupaten Sukabumi": "32.02"}


def test_kabupaten_seat_and_another_spelling_of_a_kecamatan(ex: Extractor) -> None:
    got = _places(ex, "Liwa (Lampost.co) - Pemkab Lampung Barat membuka pasar. Di Kabupaten Sukabumi, "
                      "warga Pelabuhanratu ikut.")
    assert got.get("Liwa") == "18.04"
    assert got.get("Palabuhanratu") == "32.02.01"


def test_foreign_countries_and_a_country_after_a_city(ex: Extractor) -> None:
    got = _places(ex, "Sidang digelar di Paris Perancis, lalu delegasi terbang ke Vanuatu dan Maladewa.")
    assert {"Paris", "Prancis", "Vanuatu", "Maladewa"} <= set(got)


def test_kelurahan_of_jakarta(ex: Extractor) -> None:
    got = _places(ex, "Rapat digelar di Kompleks Parlemen, Senayan, Jakarta, Selasa.")
    assert "Senayan" in got and "Jakarta" in got


def test_local_words_for_a_village(ex: Extractor) -> None:
    got = _places(ex, "Perampokan terjadi di Pekon Wonosari, Kecamatan Gadingrejo, Kabupaten Pringsewu.")
    assert "Pekon Wonosari" in got and "Kecamatan Gadingrejo" in got


def test_village_written_with_a_space_and_a_name_after_it(ex: Extractor) -> None:
    got = _places(ex, "Bupati Lampung Barat menyerahkan bibit. Warga Pekon Suka Pura Sulastri berterima kasih.")
    assert "Pekon Suka Pura" in got


def test_village_named_kampung_or_kota_and_a_village_hall(ex: Extractor) -> None:
    got = _places(ex, "Warga Desa Kampung Baru, Kecamatan Bilah Barat, berkumpul di Balai Desa Kota Agung, "
                      "Kecamatan Tegineneng.")
    assert {"Desa Kampung Baru", "Desa Kota Agung"} <= set(got)


def test_a_needs_prefix_name_inside_a_longer_name(ex: Extractor) -> None:
    assert "Kota Metro" not in _places(ex, "Surat itu ditujukan kepada Kapolda Metro Jaya kemarin.")


def test_yogyakarta_alone_is_kept_as_written_and_kota_of_a_kabupaten(ex: Extractor) -> None:
    got = _places(ex, "Peselancar datang dari Bali dan Yogyakarta. Korban ditemukan di Kota Manokwari, Papua Barat.")
    assert "Yogyakarta" in got and "Kota Yogyakarta" not in got
    assert "Kota Manokwari" in got and "Kabupaten Manokwari" not in got


def test_a_short_form_given_to_another_name(ex: Extractor) -> None:
    got = _places(ex, "Kelompok Sipil Bersenjata (KSB) menembak warga di Kabupaten Puncak. KSB lalu kabur.")
    assert got == {"Kabupaten Puncak": "94.05"}


def test_part_of_an_island_and_initials_in_a_list(ex: Extractor) -> None:
    got = _places(ex, "Himpunan itu berkantor di Sumatera Bagian Selatan. Polisi menahan ID, AS, dan DP.")
    assert got == {"Sumatera Bagian Selatan": None}


def test_another_storys_headline_names_no_place(ex: Extractor) -> None:
    text = ("Bupati Pesawaran meninjau pasar.\n\nTiga Pria di Lampung Utara Ngaku Wartawan Peras Pemilik Toko\n\n"
            "Pasar itu ramai.")
    assert "Kabupaten Lampung Utara" not in _places(ex, text)


def test_prefix_written_short_with_a_dot(ex: Extractor) -> None:
    got = _places(ex, "Lokakarya digelar di Kab. Bima, lalu di Kec. Langgam, Kabupaten Pelalawan.")
    assert {"Kabupaten Bima", "Kecamatan Langgam", "Kabupaten Pelalawan"} <= set(got)


def test_a_village_opening_with_a_venue_word_splits_at_its_hyphen(ex: Extractor) -> None:
    got = _places(ex, "Warga berdomisili di Desa Taman Jaya-Ciwaru, Kabupaten Sukabumi.")
    assert {"Desa Taman Jaya", "Ciwaru", "Kabupaten Sukabumi"} <= set(got)


def test_a_needs_prefix_name_in_a_list_of_kabupaten(ex: Extractor) -> None:
    got = _places(ex, "Lokakarya serentak di tiga kabupaten, yaitu Lombok Utara, Lombok Timur dan Bima.")
    assert got == {"Kabupaten Lombok Utara": "52.08", "Kabupaten Lombok Timur": "52.03", "Bima": None}
