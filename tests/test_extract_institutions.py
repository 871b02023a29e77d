"""Institutions: canonical ministries, regional governments, offices with their region, merging."""

from __future__ import annotations

import pytest

from extractors import Extractor

PUB = "2022-03-01"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _names(ex: Extractor, text: str) -> list[str]:
    return [i.name for i in ex.extract(text, PUB).institutions]


def test_ministry_aliases_are_one_body_named_as_the_text_writes_it(ex: Extractor) -> None:
    # the full name where the text writes it, else the first name the text uses
    text = ("Kemenkominfo menggelar pelatihan. Kementerian Kominfo juga menggandeng Kemendagri dan "
            "Kementerian Komunikasi dan Informatika menyebut hasilnya baik.")
    assert _names(ex, text) == ["Kementerian Komunikasi dan Informatika", "Kemendagri"]


def test_regional_governments_get_the_official_region_name(ex: Extractor) -> None:
    text = "Pemkab Muba bekerja sama dengan Pemkot Prabumulih dan Pemprov Sumsel."
    assert _names(ex, text) == [
        "Pemerintah Kabupaten Musi Banyuasin", "Pemerintah Kota Prabumulih", "Pemerintah Provinsi Sumatera Selatan",
    ]


def test_office_mentions_merge_long_form_abbreviation_and_bare(ex: Extractor) -> None:
    text = ("Dinas Komunikasi dan Informatika (Diskominfo) Kabupaten Ogan Ilir membuka kelas. "
            "Diskominfo Ogan Ilir menyiapkan modul, kata staf Dinas Komunikasi dan Informatika.")
    facts = ex.extract(text, PUB)
    assert [i.name for i in facts.institutions] == ["Dinas Komunikasi dan Informatika Kabupaten Ogan Ilir"]
    assert facts.institutions[0].region_code == "16.10"
    assert facts.institutions[0].kind == "office"


def test_office_inside_a_position_is_a_mention(ex: Extractor) -> None:
    text = "Kepala Dinas Kesehatan Kota Lubuklinggau Hendra Saputra meninjau lokasi."
    assert _names(ex, text) == ["Dinas Kesehatan Kota Lubuklinggau"]


def test_sub_units_and_bare_titles_are_not_institutions(ex: Extractor) -> None:
    text = "Kepala Bidang Informatika Rudi menyebut Dirjen akan hadir bersama Tim Percepatan."
    assert _names(ex, text) == []


def test_associations_media_and_universities(ex: Extractor) -> None:
    text = "Apkasi, Kompas Gramedia dan Universitas Sriwijaya (Unsri) menandatangani kerja sama."
    assert _names(ex, text) == ["Apkasi", "Kompas Gramedia", "Universitas Sriwijaya"]


def test_buildings_are_not_offices(ex: Extractor) -> None:
    assert _names(ex, "Rapat digelar di Auditorium Kantor Pemerintahan Kota Jambi.") == []


def test_office_named_by_a_position_abbreviation(ex: Extractor) -> None:
    facts = ex.extract("Kapolres OKU Timur AKBP Dwi Agung Setyono memimpin apel.", PUB)
    assert [i.name for i in facts.institutions] == ["Polres OKU Timur"]
    assert facts.institutions[0].kind == "police"
    assert [o.name for o in facts.officials] == ["Dwi Agung Setyono"]


def test_company_name_stops_before_its_branch(ex: Extractor) -> None:
    assert _names(ex, "Bantuan disalurkan lewat PT Pos Indonesia Cabang Lahat.") == ["PT Pos Indonesia"]


def test_legislature_long_form_and_abbreviation_are_one_body(ex: Extractor) -> None:
    text = ("Ketua Dewan Perwakilan Rakyat Daerah (DPRD) Kota Lubuklinggau Rodi Wijaya hadir. "
            "Anggota DPRD Kota Lubuklinggau lainnya menyusul.")
    facts = ex.extract(text, PUB)
    assert [i.name for i in facts.institutions] == ["Dewan Perwakilan Rakyat Daerah Kota Lubuklinggau"]
    assert [o.name for o in facts.officials] == ["Rodi Wijaya"]


def test_two_word_abbreviation_in_parentheses_is_an_alias(ex: Extractor) -> None:
    text = ("Direktorat Jenderal Bina Pemerintahan Desa (Ditjen Bina Pemdes) menggelar rapat. "
            "Ditjen Bina Pemdes juga mengundang perangkat desa.")
    assert _names(ex, text) == ["Direktorat Jenderal Bina Pemerintahan Desa"]


def test_associations_by_head_word_and_regional_chapters(ex: Extractor) -> None:
    names = _names(ex, "Ketua Lembaga Perlindungan Anak Indonesia (LPAI) Bekasi menyambut baik. "
                       "Kamar Dagang dan Industri (Kadin) Aceh ikut mendukung. Polres Metro Bekasi Kota siaga.")
    assert "Lembaga Perlindungan Anak Indonesia" in names
    assert "Kamar Dagang dan Industri Aceh" in names
    assert "Polres Metro Bekasi Kota" in names  # the city's police, not the regency's
    assert not any(n == "Polres" for n in names)


def test_bare_pemkot_is_the_article_city_government(ex: Extractor) -> None:
    names = _names(ex, "DPRD Kota Bekasi mengesahkan perda. Pemkot akan mengevaluasinya setiap enam bulan.")
    assert "Pemerintah Kota Bekasi" in names


def test_office_field_with_comma_and_abbreviation(ex: Extractor) -> None:
    names = _names(ex, "Dinas Koperasi, UKM dan Perdagangan Banda Aceh mendata ulang pelaku usaha.")
    assert any(n.startswith("Dinas Koperasi, UKM dan Perdagangan") for n in names)


def test_a_name_broken_across_lines_is_no_mention_and_no_crash() -> None:
    from extractors import extract

    facts = extract("Direktur PT\n\nPLN\n\n(Persero) hadir. Kata PT  PLN (Persero) kemarin.", "2019-09-10")
    assert [i.name for i in facts.institutions] == ["PLN"]
    assert not any("\n" in i.surface or "\n" in alias for i in facts.institutions for alias in i.aliases)


@pytest.mark.parametrize(
    ("text", "medium"),
    [
        ("“Jalan itu segera diperbaiki,” kata Bupati Garut Rudy Gunawan, dikutip dari Antara, Minggu (25/8/2019).", "Antara"),
        ("Harga minyak naik tiga persen, seperti dilansir Reuters pada Senin (2/9/2019).", "Reuters"),
        ("Empat penumpang meninggal dunia, kata Kapolres Tangerang Kota dikutip dari detik.com, Kamis (1/8/2019).", "detik.com"),
    ],
)
def test_a_medium_the_article_quotes_is_an_institution(ex: Extractor, text: str, medium: str) -> None:
    assert medium in _names(ex, text)


def test_quoting_a_person_or_a_law_adds_no_medium(ex: Extractor) -> None:
    names = _names(ex, "Ia mengutip Presiden Joko Widodo dan mengutip Pasal 5 undang-undang itu.")
    assert not any(n.startswith(("Presiden", "Pasal")) for n in names)


def test_a_short_form_the_text_defines_in_lower_case_is_not_the_institution_of_the_table(ex: Extractor) -> None:
    text = ("Pemprov Lampung memperpanjang pemutihan pajak kendaraan bermotor (PKB) hingga Oktober. "
            "Wajib pajak bisa membayar PKB di Samsat.")
    assert "Partai Kebangkitan Bangsa" not in _names(ex, text)
    assert "Partai Kebangkitan Bangsa" in _names(ex, "Partai Kebangkitan Bangsa (PKB) mengusung calon itu. PKB menang.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pasien dirujuk ke RSUP Haji Adam Malik di Medan.", "RSUP Haji Adam Malik"),
        ("Korban dibawa ke Rumah Sakit Rupit Kamis (4/1).", "Rumah Sakit Rupit"),
        ("Santri Pondok Pesantren Husnul Khotimah pulang.", "Pondok Pesantren Husnul Khotimah"),
        ("Mahasiswa IAIN Manado berdemo.", "IAIN Manado"),
        ("Warga berobat ke Puskesmas Martajaya.", "Puskesmas Martajaya"),
        ("Polsek Medan Sunggal menangkap pelaku.", "Polsek Medan Sunggal"),
        ("Polsek Percut Sei Tuan menangkap pelaku.", "Polsek Percut Sei Tuan"),
    ],
)
def test_bodies_named_after_a_head_word_or_a_kecamatan(ex: Extractor, text: str, name: str) -> None:
    assert name in _names(ex, text)


def test_model_org_span_naming_a_programme_stage_is_no_institution() -> None:
    """A model ORG span "Sekolah Penggerak fase 2" is a programme stage (issue #12: the 0.3.0 model tags it)."""
    from extractors.institutions import add_model_spans

    text = "Kabupaten Empat Lawang juga tercatat ikut Sekolah Penggerak fase 2. Yayasan Assalaam membantu."
    stage = text.index("Sekolah")
    body = text.index("Yayasan")
    spans = [(stage, stage + len("Sekolah Penggerak fase 2")), (body, body + len("Yayasan Assalaam"))]
    assert [m.name for m in add_model_spans(text, [], spans, [])] == ["Yayasan Assalaam"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kepala Dinas Pemuda dan Olahrag Kabupaten Lahat Budi Santoso hadir.",
         "Dinas Pemuda dan Olahrag Kabupaten Lahat"),
        ("Dinas Perindustrian dan perdagangan Provinsi Jambi memeriksa beras.",
         "Dinas Perindustrian dan perdagangan Provinsi Jambi"),
        ("Kepala Balai Teknik Perkeretaapian Wilayah Jawa Bagian Barat, Andi Wijaya, datang.",
         "Balai Teknik Perkeretaapian Wilayah Jawa Bagian Barat"),
        ("Balai Wilayah Sungai (BWS) Kalimantan II menyerahkan saluran irigasi.", "Balai Wilayah Sungai Kalimantan II"),
    ],
)
def test_office_names_are_read_whole(ex: Extractor, text: str, name: str) -> None:
    assert _names(ex, text) == [name]


def test_two_offices_joined_by_dan_are_two_bodies(ex: Extractor) -> None:
    assert _names(ex, "Bupati meminta Dinas Pendidikan dan Dinas Kesehatan membentuk satgas.") == [
        "Dinas Pendidikan", "Dinas Kesehatan"]


def test_a_head_with_only_a_generic_word_is_no_body(ex: Extractor) -> None:
    assert _names(ex, "Dana dikelola Badan Pengelola dan Biro Pelayanan setiap tahun.") == []
    assert _names(ex, "Ketua Badan Pengelola CPUGGp, Ahmad Rifai, membuka acara.") == ["Badan Pengelola CPUGGp"]


def test_a_short_acronym_in_lower_case_is_a_person_s_name(ex: Extractor) -> None:
    assert _names(ex, "Kepala Seksi Budi Aji mengatakan jalan rusak. AJI mengecam kekerasan.") == ["AJI"]


def test_a_status_named_after_a_body_is_no_mention_of_it(ex: Extractor) -> None:
    assert _names(ex, "Kawasan itu ditetapkan sebagai UNESCO Global Geopark pada 2018.") == []


def test_hospital_long_form_abbreviation_and_short_form_are_one_body(ex: Extractor) -> None:
    text = ("Rumah Sakit Umum Daerah (RSUD) Dr Soetomo Surabaya merawat pasien. "
            "Direktur RSUD Dr Soetomo, Andi Wijaya, menjelaskan.")
    assert _names(ex, text) == ["Rumah Sakit Umum Daerah (RSUD) Dr Soetomo Surabaya"]


def test_an_acronym_joins_the_body_it_abbreviates(ex: Extractor) -> None:
    text = ("Balai Besar Wilayah Sungai Cimanuk Cisanggarung membangun saluran. "
            "Tim teknis BBWS mendampingi petani.")
    assert _names(ex, text) == ["Balai Besar Wilayah Sungai Cimanuk Cisanggarung"]


def test_a_name_stops_at_a_line_break(ex: Extractor) -> None:
    assert _names(ex, "Pasien dirujuk ke RSUD Alimuddin Umar\n\nRumah warga rusak.") == ["RSUD Alimuddin Umar"]


def test_two_bodies_written_as_one_hyphenated_word(ex: Extractor) -> None:
    assert _names(ex, "Tim gabungan TNI-Polri menyisir pantai.") == ["TNI", "Polri"]


def test_a_commander_s_title_names_the_numbered_unit(ex: Extractor) -> None:
    names = _names(ex, "Mobil Dandim 1701/Jayapura rusak. Pangdam XVII/Cenderawasih meninjau Kodam XVII/Cenderawasih.")
    assert names == ["Kodim 1701/Jayapura", "Kodam XVII/Cenderawasih"]


def test_police_headquarters_and_city_police(ex: Extractor) -> None:
    assert _names(ex, "Ia melapor ke Mapolresta Bandar Lampung, Kamis.") == ["Polresta Bandar Lampung"]
    assert _names(ex, "Apel digelar di halaman Polres Bekasi Kota pada Senin.") == ["Polres Bekasi Kota"]


def test_a_body_s_own_abbreviation_does_not_hide_its_region(ex: Extractor) -> None:
    assert _names(ex, "Humas Kementerian Agama (Kemenag) Lebak mendampingi jemaah.") == ["Kementerian Agama Lebak"]
    assert _names(ex, "Ketua Umum Kamar Dagang dan Industri (Kadin) Indonesia hadir. Kadin mendukung.") == [
        "Kamar Dagang dan Industri Indonesia"]
    assert _names(ex, "Tim Lembaga Penjamin Mutu Pendidikan (LPMP) Sumatera Utara datang.") == [
        "Lembaga Penjamin Mutu Pendidikan Sumatera Utara"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lokakarya digelar di SMP N 1 Gerung pekan lalu.", "SMP N 1 Gerung"),
        ("Kegiatan bertempat di SMK N 3 Kota Bima kemarin.", "SMK N 3 Kota Bima"),
        ("Plt Kadis Dikbud Lebong, Elvian Komar menjelaskan.", "Dinas Dikbud Lebong"),
        ("Hadir pula Kepala KCD Pendidikan Wilayah XI Jawa Barat.", "KCD Pendidikan Wilayah XI Jawa Barat"),
    ],
)
def test_schools_abbreviated_fields_and_branch_offices(ex: Extractor, text: str, name: str) -> None:
    assert _names(ex, text) == [name]


def test_an_office_s_one_word_abbreviation_joins_it(ex: Extractor) -> None:
    text = ("Kepala Dinas Pendidikan, Kebudayaan, Pemuda dan Olahraga (Dikbudpora) membuka acara. "
            "Kadis Dikbudpora mengatakan guru harus bergerak.")
    assert _names(ex, text) == ["Dinas Pendidikan, Kebudayaan, Pemuda dan Olahraga"]


def test_an_acronym_the_text_spells_out_otherwise_is_no_body(ex: Extractor) -> None:
    text = ("Klungkung ditetapkan sebagai Kawasan Perdesaan Prioritas Nasional (KPPN). Status KPPN "
            "membuka anggaran baru.")
    assert _names(ex, text) == []


@pytest.mark.parametrize(
    "text",
    ["Uji coba jalur di Jalan RS Fatmawati Raya dimulai besok.",
     "Hal itu disampaikan dalam rilis, dikutip Jumat (2/8)."],
)
def test_streets_and_days_are_no_bodies(ex: Extractor, text: str) -> None:
    assert _names(ex, text) == []


def test_companies_and_area_named_offices(ex: Extractor) -> None:
    assert _names(ex, "Kemarin PT Sumber Makmur Bakti Mulia mengekspor serabut kelapa.") == [
        "PT Sumber Makmur Bakti Mulia"]
    assert _names(ex, "Gerai dibuka bersama KSOP Panjang di pelabuhan.") == ["KSOP Panjang"]


def test_village_district_and_national_governments(ex: Extractor) -> None:
    text = ("Pemerintah Desa Sukamaju dan Pemerintah Kecamatan Labuhan Ratu menyambut program itu. "
            "Pemerintah Republik Indonesia mendukung.")
    assert _names(ex, text) == ["Pemerintah Desa Sukamaju", "Pemerintah Kecamatan Labuhan Ratu",
                                "Pemerintah Republik Indonesia"]


def test_a_shorter_field_of_the_same_region_is_the_same_office(ex: Extractor) -> None:
    text = ("Dinas Pendidikan dan Kebudayaan Kabupaten Siak menggelar lokakarya. "
            "Dinas Pendidikan Kabupaten Siak menyiapkan tempat.")
    assert _names(ex, text) == ["Dinas Pendidikan dan Kebudayaan Kabupaten Siak"]


def test_an_office_name_reads_through_the_words_its_abbreviation_ends_with(ex: Extractor) -> None:
    text = "Program itu dijalankan Direktorat Jenderal Guru dan Tenaga Kependidikan (Dirjen GTK) tahun ini."
    assert _names(ex, text) == ["Direktorat Jenderal Guru dan Tenaga Kependidikan"]


def test_a_lower_case_model_span_names_no_body() -> None:
    # issue #12: "koperasi merah putih" in running text is a kind of body, not a name
    from extractors.institutions import add_model_spans

    text = "Warga membentuk koperasi simpan pinjam, lalu anggota fraksi partai Gerakan Maju menolak."
    spans = [(text.index("koperasi"), text.index(","), ), (text.index("fraksi"), text.index(" menolak"))]
    assert [m.name for m in add_model_spans(text, [], spans, [])] == ["fraksi partai Gerakan Maju"]


def test_a_model_span_naming_a_kind_of_body_names_no_institution() -> None:
    # issue #12: "Sekolah Menengah Atas" is borne by thousands of schools; "SMA Negeri 2 Metro" is one
    from extractors.institutions import add_model_spans

    text = "Ia masih duduk di bangku Sekolah Menengah Atas ketika Yayasan Bina Ilmu Metro berdiri."
    spans = [(text.index("Sekolah"), text.index(" ketika")), (text.index("Yayasan"), text.index(" berdiri"))]
    assert [m.name for m in add_model_spans(text, [], spans, [])] == ["Yayasan Bina Ilmu Metro"]


# --- issue #11: name structures that any outlet meets ---------------------------------------------


def test_biro_is_a_sub_unit_not_an_institution(ex: Extractor) -> None:
    text = "Gubernur menugaskan Biro Hukum dan Biro Perekonomian untuk menindaklanjuti rekomendasi itu."
    assert _names(ex, text) == []


def test_a_body_spelled_out_before_its_acronym_is_one_body_with_its_later_mentions(ex: Extractor) -> None:
    text = "Dewan Riset Pangan Nasional (DRPN) menggelar rapat di Bogor. Ketua DRPN menyebut hasilnya baik."
    facts = ex.extract(text, PUB)
    assert [(i.name, i.kind) for i in facts.institutions] == [("Dewan Riset Pangan Nasional", "organisation")]
    assert "DRPN" in facts.institutions[0].aliases


def test_a_syllable_acronym_names_the_body_before_it(ex: Extractor) -> None:
    text = "Hal itu disampaikan Kepala Pusat Benih Ternak (Pusbenak) dalam acara di Bogor."
    assert _names(ex, text) == ["Pusat Benih Ternak"]


def test_the_region_after_an_acronym_closes_the_body_name(ex: Extractor) -> None:
    text = "Gugatan itu ditolak Pengadilan Tata Usaha Negara (PTUN) Palembang pada Senin."
    assert _names(ex, text) == ["Pengadilan Tata Usaha Negara Palembang"]


def test_a_class_of_bodies_is_no_institution(ex: Extractor) -> None:
    text = "Koperasi itu menjalin kerja sama dengan mitra Badan Usaha Milik Negara (BUMN) untuk pengadaan pupuk."
    assert _names(ex, text) == []


@pytest.mark.parametrize(("abbr", "words", "expected"), [
    ("DJSN", "Dewan Jaminan Sosial Nasional", True),
    ("KKR", "Komite Kebenaran dan Rekonsiliasi", True),
    ("P3A", "Perkumpulan Petani Pemakai Air", True),
    ("BADKO HMI", "Badan Koordinasi Himpunan Mahasiswa Islam", True),
    ("Pusvetma", "Pusat Veteriner Farma", True),
    ("KPU", "Badan Pengawas Pemilu", False),
    ("BPRD", "Badan Pajak", False),
])
def test_spells_out(abbr: str, words: str, expected: bool) -> None:
    from extractors.institutions import spells_out

    assert spells_out(abbr, words.split()) is expected


def test_cv_companies_and_a_company_short_form_in_parentheses(ex: Extractor) -> None:
    text = ("Proyek dikerjakan CV Sinar Abadi Jaya. Lahan PT Tirta Mulia Sentosa (TMS) diukur ulang, "
            "kata warga yang menolak PT TMS.")
    facts = ex.extract(text, PUB)
    assert [(i.name, i.kind) for i in facts.institutions] == [
        ("CV Sinar Abadi Jaya", "company"), ("PT Tirta Mulia Sentosa", "company")]
    assert facts.institutions[1].aliases == ["PT TMS"]


def test_a_persero_suffix_stays_in_the_company_name(ex: Extractor) -> None:
    assert _names(ex, "Direksi PT Semen Andalas (Persero) meninjau pabrik.") == ["PT Semen Andalas (Persero)"]


def test_police_of_a_city_named_by_its_chief(ex: Extractor) -> None:
    assert _names(ex, "Kapolres Tangerang Kota AKBP Budi Santoso memimpin apel.") == ["Polres Tangerang Kota"]


def test_a_police_sector_named_by_its_kecamatan(ex: Extractor) -> None:
    text = "Di Kabupaten Lampung Timur, Kapolsek Sekampung Udik AKP Rahmat Hidayat membenarkan kejadian itu."
    assert _names(ex, text) == ["Polsek Sekampung Udik"]


def test_paguyuban_opens_an_association_name(ex: Extractor) -> None:
    text = "Ketua Paguyuban Pedagang Pasar Baru, Hasan, mengatakan harga naik."
    assert _names(ex, text) == ["Paguyuban Pedagang Pasar Baru"]


def test_public_bodies_of_the_gazetteer(ex: Extractor) -> None:
    text = "Keputusan The Fed itu dicatat Museum Rekor Dunia Indonesia (MURI)."
    assert _names(ex, text) == ["The Fed", "Museum Rekor Dunia Indonesia"]


def test_a_model_span_without_a_capitalised_name_is_no_institution() -> None:
    from extractors.institutions import add_model_spans

    text = "Anaknya kuliah di universitas negeri ternama, lalu bekerja di Yayasan Cahaya Bangsa. Bank Sentral diam."
    spans = [(text.index("universitas"), text.index(" ternama")), (text.index("Yayasan"), text.index(". Bank")),
             (text.index("Bank"), text.index(" diam"))]
    assert [m.name for m in add_model_spans(text, [], spans, [])] == ["Yayasan Cahaya Bangsa"]


def test_party_boards_are_bodies_of_their_own(ex: Extractor) -> None:
    text = "Ketua DPC PDIP Solo, Budi Santoso, menyerahkan berkas ke DPP PDIP."
    assert [(i.name, i.kind) for i in ex.extract(text, PUB).institutions] == [
        ("DPC PDIP Solo", "party"), ("DPP PDIP", "party")]


def test_a_dpd_that_opens_no_board_is_the_regional_representatives_council(ex: Extractor) -> None:
    assert _names(ex, "Undang-undang itu mengatur MPR, DPR, DPD, dan DPRD.") == ["MPR", "DPR", "DPD", "DPRD"]
    assert _names(ex, "Ketua DPD Golkar Sumsel hadir.") == ["DPD Golkar Sumsel"]


def test_bin_in_capitals_is_the_intelligence_agency(ex: Extractor) -> None:
    assert _names(ex, "Kepala BIN hadir, tetapi Ahmad bin Salim tidak.") == ["BIN"]


@pytest.mark.parametrize(("text", "name"), [
    ("Kepala Balai Besar Karantina Pertanian Surabaya, Budi Santoso, meninjau pelabuhan.",
     "Balai Besar Karantina Pertanian Surabaya"),
    ("Petugas Satuan Pamongpraja Kabupaten Cianjur berjaga.", "Satuan Pamongpraja Kabupaten Cianjur"),
])
def test_office_field_words_karantina_and_pamongpraja(ex: Extractor, text: str, name: str) -> None:
    assert _names(ex, text) == [name]


def test_pemerintah_before_a_region_name_is_its_government(ex: Extractor) -> None:
    assert _names(ex, "Menurut dia, pemerintah Jawa Barat juga bersiap menggelar festival.") == [
        "Pemerintah Provinsi Jawa Barat"]
    assert _names(ex, "Pemerintah Lahat menyiapkan anggaran.") == ["Pemerintah Kabupaten Lahat"]


def test_a_medium_met_by_the_reporter_is_a_mention(ex: Extractor) -> None:
    text = "Ridwan yang ditemui Tempo mengaku spontan. Kepala badan itu saat dihubungi ANTARA membenarkan."
    assert _names(ex, text) == ["Tempo", "ANTARA"]


def test_a_national_body_in_jakarta_is_the_body_not_a_regional_office(ex: Extractor) -> None:
    text = "Menteri berbicara di Gedung Kementerian PUPR Jakarta, Sabtu."
    assert _names(ex, text) == ["Kementerian PUPR"]
    assert _names(ex, "Kanwil Kemenag Jawa Timur menggelar rapat.") == ["Kanwil Kemenag Jawa Timur"]


def test_suku_dinas_is_an_office_of_its_own(ex: Extractor) -> None:
    text = "Kepala Seksi Suku Dinas Perhubungan Jakarta Timur Andi Wijaya mengatakan jalan ditutup."
    assert _names(ex, text) == ["Suku Dinas Perhubungan Jakarta Timur"]


@pytest.mark.parametrize(("text", "name"), [
    ("Vaksin itu disimpan di RSUD Dok 2 Jayapura dan dibagikan besok.", "RSUD Dok 2 Jayapura"),
    ("Santri Pondok Pesantren Nurul Huda 2 mengikuti lomba.", "Pondok Pesantren Nurul Huda 2"),
])
def test_a_number_inside_a_named_body_is_part_of_its_name(ex: Extractor, text: str, name: str) -> None:
    assert _names(ex, text) == [name]


def test_an_agency_followed_by_a_foreign_country_is_that_country_s(ex: Extractor) -> None:
    text = "KJRI berkoordinasi dengan rumah sakit, Bea Cukai Tiongkok, dan maskapai."
    assert _names(ex, text) == ["Bea Cukai Tiongkok"]


def test_older_names_of_public_bodies(ex: Extractor) -> None:
    text = "Camat berkoordinasi dengan unsur Muspika, lalu dana dari Departemen Keuangan RI cair."
    facts = ex.extract(text, PUB)
    assert [i.name for i in facts.institutions] == ["Muspika", "Departemen Keuangan"]
    assert "Kementerian Keuangan" in facts.institutions[1].aliases


def test_closing_links_to_other_stories_are_no_mentions(ex: Extractor) -> None:
    text = ("Kepala Dinas Kesehatan Kota Lubuklinggau meninjau posko banjir.\n\n"
            "Bulog Lahat pastikan stok beras aman\n\nBNNK Lahat gelar edukasi bahaya narkoba")
    assert _names(ex, text) == ["Dinas Kesehatan Kota Lubuklinggau"]
    one_line = "Kepala Dinas Kesehatan Kota Lubuklinggau meninjau posko.\n\nPemkab Lahat pastikan stok beras aman"
    assert _names(ex, one_line) == ["Dinas Kesehatan Kota Lubuklinggau", "Pemerintah Kabupaten Lahat"]


def test_a_named_body_with_and_without_its_closing_region_is_one_body(ex: Extractor) -> None:
    text = ("Gubernur mengunjungi Pondok Pesantren Darul Falah Kuningan, Selasa. "
            "Pondok Pesantren Darul Falah menggelar doa bersama.")
    facts = ex.extract(text, PUB)
    assert [(i.name, i.aliases) for i in facts.institutions] == [
        ("Pondok Pesantren Darul Falah Kuningan", ["Pondok Pesantren Darul Falah"])]


def test_the_programme_s_cooperatives_as_a_class_are_no_institution(ex: Extractor) -> None:
    assert _names(ex, "Menurut dia, Koperasi Merah Putih dapat mendorong ekonomi warga.") == []


def test_pemko_numbered_army_units_and_suku_dinas(ex: Extractor) -> None:
    facts = ex.extract("Pemko Pekanbaru menggelar rapat. Personel Brigif 20/IJK dan Yonif 751/Raider "
                                "dikerahkan bersama Rindam XVII/Cenderawasih. Sudin Perhubungan Jakarta Selatan "
                                "memasang rambu.", "2019-09-20")
    assert {i.name for i in facts.institutions} == {
        "Pemerintah Kota Pekanbaru", "Brigif 20/IJK", "Yonif 751/Raider", "Rindam XVII/Cenderawasih",
        "Sudin Perhubungan Jakarta Selatan"}
