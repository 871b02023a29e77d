"""Programme stages and participants: stage numbers in all forms, years, counts, participating regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import Extractor
from extractors.evaluate import format_table, predict_rows, read_jsonl, score

PUB = "2021-09-01T10:00:00+07:00"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _stages(ex: Extractor, text: str) -> set[tuple[str, int, int | None]]:
    return {(s.program, s.stage, s.year) for s in ex.extract(text, PUB).program_stages}


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Penyaluran Bantuan Sosial Tunai tahap 3 tahun 2021 dimulai.", 3),
        ("Penyaluran Bantuan Sosial Tunai tahap III tahun 2021 dimulai.", 3),
        ("Penyaluran Bantuan Sosial Tunai tahap ketiga tahun 2021 dimulai.", 3),
        ("Penyaluran Bantuan Sosial Tunai tahap ke-3 tahun 2021 dimulai.", 3),
        ("Penyaluran Bantuan Sosial Tunai gelombang kedua tahun 2021 dimulai.", 2),
        ("Penyaluran Bantuan Sosial Tunai fase 2 tahun 2021 dimulai.", 2),
        ("Penyaluran Bantuan Sosial Tunai batch 4 tahun 2021 dimulai.", 4),
    ],
)
def test_stage_number_forms(ex: Extractor, text: str, stage: int) -> None:
    assert _stages(ex, text) == {("Penyaluran Bantuan Sosial Tunai", stage, 2021)}


def test_counts_are_not_stages(ex: Extractor) -> None:
    assert _stages(ex, "Pencairan dana dibagi menjadi empat tahap dan tiga gelombang.") == set()


def test_programme_after_the_stage_and_coordinated_stages(ex: Extractor) -> None:
    text = ("Kota Jambi lolos pada tahap pertama Program Kampung Iklim tahun 2019. "
            "Bantuan Operasional Sekolah tahap pertama dan kedua tahun 2020 sudah cair.")
    got = _stages(ex, text)
    assert ("Program Kampung Iklim", 1, 2019) in got
    assert {("Bantuan Operasional Sekolah", 1, 2020), ("Bantuan Operasional Sekolah", 2, 2020)} <= got


def test_later_stage_mentions_use_the_current_programme_and_year(ex: Extractor) -> None:
    text = ("Vaksinasi Covid-19 di Kabupaten Lahat tahun 2021 dibagi menjadi tiga tahap. "
            "Tahap pertama untuk tenaga kesehatan, tahap kedua untuk pelayan publik.")
    assert _stages(ex, text) == {("Vaksinasi Covid-19", 1, 2021), ("Vaksinasi Covid-19", 2, 2021)}


def test_participants_with_year_and_stage(ex: Extractor) -> None:
    text = ("Kabupaten Ogan Ilir terpilih dalam Gerakan Menuju Desa Digital tahap kedua tahun 2020. "
            "Daerah lain yang ikut terpilih yakni Kota Prabumulih dan Kabupaten Lahat.")
    parts = {(p.region, p.program, p.year) for p in ex.extract(text, PUB).program_participants}
    assert parts == {
        ("Kabupaten Ogan Ilir", "Gerakan Menuju Desa Digital", 2020),
        ("Kota Prabumulih", "Gerakan Menuju Desa Digital", 2020),
        ("Kabupaten Lahat", "Gerakan Menuju Desa Digital", 2020),
    }
    assert {p.stage for p in ex.extract(text, PUB).program_participants} == {2}


def test_venue_location_and_aid_recipients_are_not_participants(ex: Extractor) -> None:
    text = ("Keikutsertaan itu dikukuhkan lewat penandatanganan di Hotel Santika, Kota Palembang, tahun 2020. "
            "Bantuan Langsung Tunai disalurkan ke Kabupaten Lahat.")
    assert ex.extract(text, PUB).program_participants == []


def test_abbreviation_of_a_programme_maps_to_its_long_name(ex: Extractor) -> None:
    text = ("BATURAJA, KOMPAS.com - Penyaluran Bantuan Sosial Tunai (BST) tahap 9 dimulai Senin (4/1/2021). "
            "Sebelumnya, penyaluran BST tahap 8 selesai pada Desember 2020.")
    assert _stages(ex, text) == {
        ("Penyaluran Bantuan Sosial Tunai (BST)", 9, 2021), ("Penyaluran Bantuan Sosial Tunai (BST)", 8, 2020),
    }


def test_stage_range_and_lone_head_word(ex: Extractor) -> None:
    text = ("Pemkab Lahat menyalurkan Program Keluarga Harapan (PKH) tahap IV tahun 2020. "
            "Penyaluran dilakukan lewat bank. 'Tahap pertama sampai ketiga sudah kami salurkan,' katanya.")
    got = _stages(ex, text)
    assert got == {("Program Keluarga Harapan (PKH)", n, 2020) for n in (1, 2, 3, 4)}


def test_participation_needs_a_named_programme_nearby(ex: Extractor) -> None:
    text = ("Bupati Lahat meninjau jalan desa. "
            "Lahat memang sudah lama menjadi daerah percontohan desa digital, katanya.")
    assert ex.extract(text, PUB).program_participants == []


def test_words_of_a_ministry_name_are_not_a_programme(ex: Extractor) -> None:
    text = ("Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi memilih 25 desa di Lahat. "
            "Desa-desa itu mengikuti pelatihan gelombang pertama pada September 2022.")
    assert {s.program for s in ex.extract(text, PUB).program_stages} <= {"pelatihan"}


def test_relative_year_of_a_stage(ex: Extractor) -> None:
    text = ("Kota Jambi menjadi peserta Program Sekolah Penggerak angkatan kedua tahun 2021. "
            "Angkatan pertama tahun lalu diikuti 20 sekolah.")
    assert ("Program Sekolah Penggerak", 1, 2020) in _stages(ex, text)


def _parts(ex: Extractor, text: str, pub: str = PUB) -> set[tuple[str, str, int | None]]:
    return {(p.region, p.program, p.year) for p in ex.extract(text, pub).program_participants if not p.planned}


def _plans(ex: Extractor, text: str, pub: str = PUB) -> set[tuple[str, str, int | None]]:
    return {(p.region, p.program, p.year) for p in ex.extract(text, pub).program_participants if p.planned}


def test_stage_far_from_the_programme_name_and_relative_year(ex: Extractor) -> None:
    text = ("Kabupaten Lahat terpilih dalam Gerakan Menuju 100 Smart City tahap kedua tahun 2018.\n\n"
            "Bupati mengatakan tim sudah dibentuk. Tim akan menyusun rencana induk.\n\n"
            "Jaringan di kecamatan masih dibenahi. Anggaran disiapkan dalam APBD.\n\n"
            "Sosialisasi digelar di semua kecamatan. Warga menyambut baik.\n\n"
            "Menurut dia, pada tahap pertama tahun 2017 sudah ada 25 daerah yang terpilih, "
            "di antaranya Kota Palembang.")
    facts = ex.extract(text, "2018-08-14T11:20:00+07:00")
    assert ("Gerakan Menuju 100 Smart City", 1, 2017) in {(s.program, s.stage, s.year) for s in facts.program_stages}
    regions = {(p.region, p.year) for p in facts.program_participants}
    assert ("Kota Palembang", 2017) in regions


def test_villages_listed_after_the_sentence_naming_the_programme(ex: Extractor) -> None:
    text = ("Lima desa di Kabupaten Paser terpilih mengikuti Program Inovasi Desa gelombang 2 tahun 2020. "
            "Kelima desa itu adalah Desa Songka, Desa Modang dan Desa Lori.")
    regions = {r for r, _, y in _parts(ex, text, "2020-09-03T12:00:00+08:00") if y == 2020}
    assert {"Desa Songka", "Desa Modang", "Desa Lori"} <= regions


def test_tahun_ini_gives_the_stage_year(ex: Extractor) -> None:
    text = ("Targetnya, predikat Utama diraih pada 2023. Kota Bekasi juga tercatat sebagai peserta program "
            "Sekolah Ramah Anak gelombang kedua dari kementerian tahun ini.")
    assert any(stage == 2 and year == 2021 for _, stage, year in _stages(ex, text))


def test_negated_selection_is_not_participation(ex: Extractor) -> None:
    text = ("Kabupaten Sarolangun ikut Program Transformasi Digital Desa tahap ke-4 tahun 2024. "
            "Pada tahap ketiga tahun 2023, Kabupaten Sarolangun belum lolos karena jaringan lemah.")
    got = _parts(ex, text, "2024-01-09T13:10:00+07:00")
    assert ("Kabupaten Sarolangun", "Program Transformasi Digital Desa", 2024) in got
    assert not any(year == 2023 for _, _, year in got)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("pencairan Dana Desa", "Dana Desa (DD)", True),
        ("DD", "penyaluran Dana Desa", True),
        ("PGP", "Program Guru Penggerak", True),
        ("PGP", "Program Pendidikan Guru Penggerak (PPGP)", True),
        ("BLT", "Dana Desa", False),
        ("Dana Desa", "Dana Kelurahan", False),
    ],
)
def test_same_programme(a: str, b: str, same: bool) -> None:
    from extractors.programmes import same_programme

    assert same_programme(a, b) is same


def test_one_stage_under_several_names_is_reported_once(ex: Extractor) -> None:
    text = ("Pencairan Dana Desa (DD) tahap II tahun 2021 sudah dimulai di Kabupaten Pati. "
            "Kepala desa diminta segera mengajukan penyaluran Dana Desa tahap II tahun 2021.")
    stages = ex.extract(text, PUB).program_stages
    assert [(s.stage, s.year) for s in stages] == [(2, 2021)]


def _regions_stages(ex: Extractor, text: str) -> set[tuple[str, int | None]]:
    return {(p.region, p.stage) for p in ex.extract(text, PUB).program_participants}


def test_region_right_after_a_stage_takes_part(ex: Extractor) -> None:
    text = ("Lokakarya 7 Program Pendidikan Guru Penggerak Angkatan 5 Kabupaten Grobogan digelar di aula "
            "SMPN 2 Purwodadi, Sabtu (28/8/2021).")
    assert ("Kabupaten Grobogan", 5) in _regions_stages(ex, text)


def test_region_after_a_stage_inside_an_official_title_does_not(ex: Extractor) -> None:
    text = ("Penyaluran Bantuan Sosial Tunai tahap 3 Bupati Grobogan Sri Sumarni membuka acara itu, "
            "Sabtu (28/8/2021).")
    assert _regions_stages(ex, text) == set()


def test_delegates_from_regions_take_part(ex: Extractor) -> None:
    text = ("Program Pendidikan Guru Penggerak Angkatan 5 tahun 2021 dimulai bulan ini. Lokakarya pertama "
            "dihadiri 40 peserta dari Kabupaten Demak dan 35 peserta dari Kabupaten Kudus.")
    assert {r for r, _ in _regions_stages(ex, text)} >= {"Kabupaten Demak", "Kabupaten Kudus"}


def test_a_bulleted_list_after_a_stage_names_its_regions(ex: Extractor) -> None:
    text = ("Kementerian membagi pelaksanaan program Siaran Digital dalam tiga tahap. "
            "Berikut rincian wilayah pada Siaran Digital tahap I tahun 2021:\n\n- Provinsi Aceh\n- Sumatera Barat\n"
            "- Kota Jambi\n\nTahap berikutnya menyusul.")
    assert {r for r, _ in _regions_stages(ex, text)} == {"Aceh", "Sumatera Barat", "Kota Jambi"}


def test_regions_listed_after_a_count_of_regions_take_part(ex: Extractor) -> None:
    text = ("Balai Guru Penggerak melaksanakan Program Pendidikan Guru Penggerak Angkatan 6 tahun 2021 pada 3 "
            "kabupaten/kota di Provinsi Sumatera Utara yaitu di Kabupaten Asahan, Nias dan Kota Gunungsitoli.")
    assert {r for r, _ in _regions_stages(ex, text)} >= {"Kabupaten Asahan", "Kota Gunungsitoli"}


def test_amounts_after_a_stage_are_no_further_stages(ex: Extractor) -> None:
    text = "Mekanisme pencairan Dana Desa tahun 2021: 40 persen tahap pertama, 40 persen tahap kedua dan 20 persen tahap ketiga."
    assert sorted(s for _, s, _ in _stages(ex, text)) == [1, 2, 3]


def test_those_taking_part_in_a_region_and_a_workshop_number_before_the_programme(ex: Extractor) -> None:
    text = ("Para calon guru penggerak (CGP) di Kabupaten Lombok Utara mengikuti lokakarya 9 "
            "Pendidikan Guru Penggerak Angkatan 4 tahun 2022.")
    facts = ex.extract(text, PUB)
    assert [(s.program, s.stage) for s in facts.program_stages] == [("Pendidikan Guru Penggerak", 4)]
    assert [p.region for p in facts.program_participants] == ["Kabupaten Lombok Utara"]


def test_a_workshop_number_before_the_stage_is_no_count(ex: Extractor) -> None:
    text = "Program Guru Penggerak tahun 2022 berlanjut. Balai menggelar lokakarya 7 angkatan 4 di Mataram."
    assert ("Program Guru Penggerak", 4, 2022) in _stages(ex, text)


def test_coordinated_stages_take_coordinated_years(ex: Extractor) -> None:
    text = ("Program Sekolah Penggerak tahun 2022 memasuki angkatan ketiga. "
            "Pada angkatan I dan II di tahun 2020 dan 2021, sekolah belum memahami kebijakan itu.")
    got = _stages(ex, text)
    assert {("Program Sekolah Penggerak", 1, 2020), ("Program Sekolah Penggerak", 2, 2021)} <= got


def test_stage_number_after_ke_and_parts_of_a_stage(ex: Extractor) -> None:
    assert _stages(ex, "Pencairan Dana Desa tahap ke III tahun 2019 sudah dilakukan.") == {
        ("Pencairan Dana Desa", 3, 2019)}
    assert _stages(ex, "Alokasi Vaksin Covid-19 Tahap Kedua Termin Pertama tahun 2021 sudah terbit.") == {
        ("Alokasi Vaksin Covid-19", 2, 2021)}


def test_amount_between_the_name_and_the_stage(ex: Extractor) -> None:
    text = "Menurut aturan itu, penyaluran dana desa 40 persen tahap dua tahun 2020 dibagi tiga kali."
    assert _stages(ex, text) == {("dana desa", 2, 2020)}


def test_lower_case_name_after_the_stage(ex: Extractor) -> None:
    text = "Fase pertama pengadaan kapal riset ini dimulai tahun 2020."
    assert _stages(ex, text) == {("pengadaan kapal riset", 1, 2020)}


def test_a_fund_inside_an_aid_programme_is_its_own_programme(ex: Extractor) -> None:
    text = ("Penyaluran Bantuan Langsung Tunai Dana Desa tahap keempat tahun 2020 ditunda karena "
            "Dana Desa tahap kedua belum cair.")
    got = _stages(ex, text)
    assert ("Dana Desa", 2, 2020) in got
    assert ("Penyaluran Bantuan Langsung Tunai Dana Desa", 4, 2020) in got


def test_undated_stage_gives_way_to_the_same_stage_with_a_year(ex: Extractor) -> None:
    text = ("Kementerian memulai vaksinasi Covid-19 tahap ketiga, Rabu. "
            "Vaksinasi Covid-19 tahap ketiga dijadwalkan sampai Juni 2021.")
    got = {(s.program, s.stage, s.year) for s in ex.extract(text, None).program_stages}
    assert got == {("vaksinasi Covid-19", 3, 2021)}


def test_a_region_signs_for_the_programme_named_after_the_agreement(ex: Extractor) -> None:
    text = ("Sekda Kabupaten Sukabumi bersama Bupati Bogor menandatangani MoU Kerja Sama Pengembangan "
            "Geopark Cibodas-Pelabuhan tahun 2019.")
    assert _parts(ex, text) == {
        ("Kabupaten Sukabumi", "Kerja Sama Pengembangan Geopark Cibodas-Pelabuhan", 2019),
        ("Kabupaten Bogor", "Kerja Sama Pengembangan Geopark Cibodas-Pelabuhan", 2019),
    }


def test_those_taking_part_in_a_region_in_the_stage_sentence(ex: Extractor) -> None:
    text = ("Para calon guru penggerak di Kabupaten Bima akhirnya sampai pada lokakarya 9 "
            "Pendidikan Guru Penggerak Angkatan 4 tahun 2022.")
    assert _parts(ex, text) == {("Kabupaten Bima", "Pendidikan Guru Penggerak", 2022)}


def test_villages_receiving_a_fund_in_a_stage_sentence_do_not_take_part(ex: Extractor) -> None:
    text = "Baru 20 desa di Kabupaten Temanggung yang melaporkan penggunaan dana desa tahap I tahun 2019."
    assert _parts(ex, text) == set()


def test_a_regions_people_are_not_the_region(ex: Extractor) -> None:
    text = "Antusiasme masyarakat Tuban dalam mengikuti Program Kartu Prakerja tahap 4 tahun 2021 cukup tinggi."
    assert _parts(ex, text) == set()


def test_a_status_given_to_a_region_is_no_programme(ex: Extractor) -> None:
    text = ("Program Pembangunan Kawasan Pedesaan tahun 2024 diusulkan. Kabupaten Klungkung telah ditetapkan "
            "sebagai Kawasan Strategis Pariwisata Nasional.")
    assert _parts(ex, text) == set()


def test_lower_case_programme_after_the_trigger_named_in_full_later(ex: Extractor) -> None:
    text = ("Sebanyak 12 sekolah di Kabupaten Buleleng dinyatakan lulus menjadi sekolah penggerak. "
            "Penetapan itu sesuai keputusan tentang pelaksana Program Sekolah Penggerak.")
    assert _parts(ex, text, "2021-05-03") == {("Kabupaten Buleleng", "Program Sekolah Penggerak", 2021)}


def test_delegates_take_part_in_the_staged_programme_of_the_article(ex: Extractor) -> None:
    text = ("Lokakarya 9 Program Guru Penggerak Angkatan 4 tahun 2022 ditutup Minggu.\n\n"
            "Wabup berpesan agar guru menjadi teladan. Guru harus disiplin. Guru harus berbagi. "
            "Guru harus belajar.\n\n"
            "Lokakarya itu diikuti serentak oleh 54 peserta dari Kabupaten Dompu dan 59 peserta dari "
            "Kabupaten Lombok Timur.")
    assert {r for r, _, _ in _parts(ex, text)} >= {"Kabupaten Dompu", "Kabupaten Lombok Timur"}


def test_paragraphs_headed_by_regions_after_a_count_of_regions(ex: Extractor) -> None:
    text = ("Balai menggelar Lokakarya 3 Program Pendidikan Guru Penggerak Angkatan 6 tahun 2022 serentak di "
            "3 kabupaten/kota.\n\nKabupaten Lombok Barat: bertempat di SMPN 1 Gerung.\n\n"
            "Kota Mataram: bertempat di SMAN 1 Mataram.")
    assert {(r, s) for r, s in _regions_stages(ex, text)} == {("Kabupaten Lombok Barat", 6), ("Kota Mataram", 6)}


def test_region_tingkat_or_di_after_a_stage(ex: Extractor) -> None:
    text = "Kementerian menggelar Bimbingan Teknis Masterplan Smart City Tahap 1 di Kabupaten Tegal tahun 2023."
    assert ("Kabupaten Tegal", 1) in _regions_stages(ex, text)
    text = "Dinas membuka Lokakarya 1 Pendidikan Guru Penggerak Angkatan 9 tingkat Kabupaten Manggarai Barat."
    assert ("Kabupaten Manggarai Barat", 9) in _regions_stages(ex, text)
    text = "Penyaluran Dana Desa tahap II di Kabupaten Tegal tahun 2023 dimulai."
    assert _regions_stages(ex, text) == set()


# Issue #11: participation read from the structure around a trigger, not from one outlet's wording.

def test_negated_or_intended_participation_is_none(ex: Extractor) -> None:
    text = ("Kabupaten Sampang belum terpilih dalam Gerakan Menuju 100 Smart City dan berencana mendaftar "
            "tahun depan.")
    assert _parts(ex, text) == set()
    assert _plans(ex, text) == {("Kabupaten Sampang", "Gerakan Menuju 100 Smart City", 2022)}
    text = "Kabupaten Sragen berharap bisa ikut Program Sekolah Penggerak angkatan keempat tahun 2022."
    assert _parts(ex, text) == set()
    assert _plans(ex, text) == {("Kabupaten Sragen", "Program Sekolah Penggerak", 2022)}
    text = "Kabupaten Sragen tidak lolos Program Sekolah Penggerak angkatan keempat tahun 2022."
    assert _parts(ex, text) == _plans(ex, text) == set()
    facts = ex.extract("Kota Lubuklinggau berencana mendaftar Gerakan Menuju 100 Smart City tahun 2022.", PUB)
    assert [p.planned for p in facts.program_participants] == [True]
    assert facts.to_eval_dict()["program_participants"] == []


def test_contrasting_clause_without_a_live_trigger(ex: Extractor) -> None:
    text = "Kota Palopo belum mengikuti Gerakan Menuju 100 Smart City, sedangkan Kota Makassar sudah terpilih sejak 2017."
    assert _parts(ex, text) == {("Kota Makassar", "Gerakan Menuju 100 Smart City", 2017)}


def test_coordinated_regional_governments_at_the_start_of_the_text(ex: Extractor) -> None:
    text = "Pemkab Sleman, Pemkab Bantul serta Pemkot Yogyakarta tergabung dalam Gerakan Menuju 100 Smart City tahun 2018."
    assert _parts(ex, text) == {
        ("Kabupaten Sleman", "Gerakan Menuju 100 Smart City", 2018),
        ("Kabupaten Bantul", "Gerakan Menuju 100 Smart City", 2018),
        ("Kota Yogyakarta", "Gerakan Menuju 100 Smart City", 2018),
    }


def test_list_lines_after_a_colon_or_a_sentence_naming_no_region(ex: Extractor) -> None:
    text = ("Sebanyak empat daerah di Riau lolos verifikasi Program Kampung Iklim (Proklim) tahun 2020. "
            "Keempat daerah itu adalah:\n- Kabupaten Siak\n- Kabupaten Kampar\n- Kota Dumai\n\n"
            "Kabupaten Bengkalis menyiapkan lahan.")
    assert {r for r, _, _ in _parts(ex, text)} == {"Kabupaten Siak", "Kabupaten Kampar", "Kota Dumai"}
    text = ("Berikut daftar daerah peserta Program Sekolah Penggerak angkatan 2 tahun 2021.\n"
            "1) Kota Palembang\n2) Kota Prabumulih\n\nKepala dinas meminta sekolah bersiap di Kota Lubuklinggau.")
    assert _parts(ex, text) == {("Kota Palembang", "Program Sekolah Penggerak", 2021),
                                ("Kota Prabumulih", "Program Sekolah Penggerak", 2021)}


def test_programme_named_right_after_the_trigger(ex: Extractor) -> None:
    text = ("Pemkab Gresik resmi mengikuti penilaian Kota Layak Anak (KLA) tahun 2023. Pemerintah Kabupaten "
            "Tuban juga masuk daftar peserta KLA tahun ini.")
    assert _parts(ex, text, "2023-04-12") == {("Kabupaten Gresik", "Kota Layak Anak (KLA)", 2023),
                                ("Kabupaten Tuban", "Kota Layak Anak (KLA)", 2023)}
    text = "Kota Pontianak dan Kota Singkawang ditetapkan sebagai peserta Adipura tahun 2019."
    assert _parts(ex, text) == {("Kota Pontianak", "Adipura", 2019), ("Kota Singkawang", "Adipura", 2019)}


def test_a_region_head_as_subject_stands_for_the_region(ex: Extractor) -> None:
    text = "Bupati Gowa Adnan Purichta resmi mendaftarkan daerahnya dalam Program Kampung Iklim 2019."
    assert _parts(ex, text) == {("Kabupaten Gowa", "Program Kampung Iklim", 2019)}
    text = ("Wali Kota Pekalongan Budi Santoso bersama Bupati Batang Wihaji ikut menandatangani MoU Gerakan Menuju "
            "100 Smart City tahun 2018.")
    assert _parts(ex, text) == {("Kota Pekalongan", "Gerakan Menuju 100 Smart City", 2018),
                                ("Kabupaten Batang", "Gerakan Menuju 100 Smart City", 2018)}


def test_attending_an_event_about_a_programme_is_no_participation(ex: Extractor) -> None:
    text = "Bupati Minahasa Utara Joune Ganda mengikuti sosialisasi Program Sekolah Penggerak tahun 2022 di Manado."
    assert _parts(ex, text) == set()


def test_areas_receiving_aid_counted_and_listed_are_no_participants(ex: Extractor) -> None:
    text = "Dana Desa tahap II disalurkan ke 3 kabupaten, yaitu Kabupaten Pati, Kabupaten Kudus dan Kabupaten Jepara."
    assert _parts(ex, text) == set()
    assert _stages(ex, text) == {("Dana Desa", 2, 2021)}


def test_a_count_of_stages_names_the_lower_case_process_it_divides(ex: Extractor) -> None:
    text = ("Kominfo melakukan penghentian siaran TV analog dalam tiga tahap. "
            "Tahap pertama berlangsung 30 April 2022.")
    assert _stages(ex, text) == {("penghentian siaran TV analog", 1, 2022)}
    text = "Sesuai aturan, pencairan dana melalui 3 tahap yaitu tahap I, 40 persen, dan tahap II, 40 persen."
    assert _stages(ex, text) == {("pencairan dana", 1, 2021), ("pencairan dana", 2, 2021)}


INVENTED = Path(__file__).resolve().parent / "fixtures" / "extraction" / "programmes_invented.jsonl"


def test_invented_programme_articles_stay_above_floors(ex: Extractor) -> None:
    """Twenty-one invented articles (tests/fixtures/extraction/programmes_invented.jsonl), annotated for
    stages and participants only, in three batches each written before the rules that followed it;
    before issue #11 they scored stages 0.848, participants 0.615 (after: 0.882, 0.970)."""
    gold = read_jsonl(INVENTED)
    assert len(gold) == 21
    result = score(gold, list(predict_rows(gold, ex)))
    report = format_table(result)
    assert result["program_stages"]["f1"] >= 0.87, report
    assert result["program_participants"]["f1"] >= 0.95, report


def test_headless_short_form_after_a_trigger_names_the_programme_named_before(ex: Extractor) -> None:
    text = ("Gerakan Menuju 100 Smart City digagas Kominfo. Kabupaten Purwakarta sebelumnya pernah mengikuti "
            "Smart City pada 2017.")
    assert _parts(ex, text) == {("Kabupaten Purwakarta", "Gerakan Menuju 100 Smart City", 2017)}
    text = "Kabupaten Purwakarta pernah mengikuti Rapat Kerja Nasional pada 2017."
    assert _parts(ex, text) == set()


def test_a_stage_named_again_by_part_of_its_programme_name_is_one_stage(ex: Extractor) -> None:
    text = ("Vaksinasi Covid-19 tahap kedua tahun 2021 dimulai di Kota Kendari. "
            "Alokasi vaksinasi tahap kedua sudah dikirim.")
    assert _stages(ex, text) == {("Vaksinasi Covid-19", 2, 2021)}
    text = "BLT Dana Desa tahap 2 tahun 2021 cair. Dana Desa tahap 2 tahun 2021 juga cair."
    assert _stages(ex, text) == {("BLT Dana Desa", 2, 2021), ("Dana Desa", 2, 2021)}


def test_stage_before_a_lower_case_programme_head_and_a_capitalised_name(ex: Extractor) -> None:
    text = "Lima provinsi masuk gelombang pertama program Kota Tanpa Kumuh (Kotaku) tahun 2020."
    assert _stages(ex, text) == {("program Kota Tanpa Kumuh", 1, 2020)}
