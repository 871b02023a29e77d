"""Officials: names apart from titles and degrees, positions before/after/in parentheses, relations."""

from __future__ import annotations

import pytest

from extractors import Extractor
from pipeline.models import ArticleFacts

PUB = "2021-06-10T10:00:00+07:00"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _officials(ex: Extractor, text: str) -> dict[str, str]:
    facts: ArticleFacts = ex.extract(text, PUB)
    return {o.name: o.role for o in facts.officials}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Bupati Ogan Ilir Drs H Ilyas Panji Alam SH MM meresmikan pasar.", "Ilyas Panji Alam", "bupati ogan ilir"),
        ("Wakil Wali Kota Pagar Alam Ir. H. Muhammad Fadli, M.Si. hadir.", "Muhammad Fadli", "wakil wali kota pagar alam"),
        ("Plt Kepala Dinas Kesehatan Kabupaten Lahat dr Rina Marlina meninjau puskesmas.", "Rina Marlina",
         "plt kepala dinas kesehatan kabupaten lahat"),
        ("Kepala Dinas Pemberdayaan Masyarakat dan Desa (DPMD) Empat Lawang Hj Siti Aisyah SSos menjelaskan.",
         "Siti Aisyah", "kepala dinas pemberdayaan masyarakat dan desa empat lawang"),
        ("Penjabat (Pj) Bupati Musi Rawas Utara Hadi Santoso membuka acara.", "Hadi Santoso",
         "penjabat bupati musi rawas utara"),
        ("Kapolres Muara Enim AKBP Donni Eka Syaputra mengatakan pelaku sudah ditangkap.", "Donni Eka Syaputra",
         "kapolres muara enim"),
        ("Menteri Dalam Negeri Muhammad Tito Karnavian memberi arahan.", "Muhammad Tito Karnavian",
         "menteri dalam negeri"),
        ("Sekda Banyuasin Rahmat Hidayat ST MM MBA menutup rapat.", "Rahmat Hidayat", "sekda banyuasin"),
    ],
)
def test_position_before_name(ex: Extractor, text: str, name: str, role: str) -> None:
    assert _officials(ex, text) == {name: role}


def test_titles_and_degrees_kept_as_attributes(ex: Extractor) -> None:
    facts = ex.extract("Bupati Ogan Ilir Drs H Ilyas Panji Alam SH MM meresmikan pasar.", PUB)
    (o,) = facts.officials
    assert o.titles == ["Drs", "H"]
    assert o.degrees == ["SH", "MM"]
    assert o.org == "Kabupaten Ogan Ilir"
    assert o.region_code == "16.10"
    assert facts.officials[0].prov.extractor == "warta.officials"
    assert o.surface in "Bupati Ogan Ilir Drs H Ilyas Panji Alam SH MM meresmikan pasar."


def test_position_after_name_with_comma(ex: Extractor) -> None:
    text = "Hal itu disampaikan Budi Hartono, Kepala Dinas Kominfo Kota Prabumulih, kepada wartawan."
    assert _officials(ex, text) == {"Budi Hartono": "kepala dinas kominfo kota prabumulih"}


def test_position_in_parentheses(ex: Extractor) -> None:
    text = "Sementara itu, Andreas Wijaya (Direktur Utama PT Sinar Jaya) mengatakan permintaan naik."
    assert _officials(ex, text) == {"Andreas Wijaya": "direktur utama pt sinar jaya"}


def test_name_then_menjabat_position(ex: Extractor) -> None:
    text = "Program itu dirintis sejak H Syamsul Bahri menjabat Bupati Lahat."
    assert _officials(ex, text) == {"Syamsul Bahri": "bupati lahat"}


def test_unnamed_position_holders_are_not_officials(ex: Extractor) -> None:
    text = "Kepala Bappeda setempat hadir. Ketua Apeksi (Asosiasi Pemerintah Kota Seluruh Indonesia) bisa menjawab."
    assert _officials(ex, text) == {}


def test_later_surname_and_title_mentions_do_not_add_people(ex: Extractor) -> None:
    text = ("Bupati Lahat Sandi Pramudya SH membuka acara. Sandi Pramudya mengatakan program berjalan. "
            "Bupati menambahkan bahwa anggaran cukup.")
    facts = ex.extract(text, PUB)
    assert [o.name for o in facts.officials] == ["Sandi Pramudya"]


def test_list_of_mayors(ex: Extractor) -> None:
    text = "Hadir Wali Kota Bogor Dedie Rachim, Wali Kota Bima Arya Putra, dan Bupati Siak Alfedri."
    got = _officials(ex, text)
    assert got == {"Dedie Rachim": "wali kota bogor", "Arya Putra": "wali kota bima", "Alfedri": "bupati siak"}


def test_represented_and_accompanied_relations(ex: Extractor) -> None:
    text = ("Bupati Ogan Ilir Panca Wijaya Akbar yang diwakili Sekda Ogan Ilir Muhammad Sobri "
            "didampingi Kepala Bappeda Ogan Ilir Joko Susilo meninjau lokasi.")
    facts = ex.extract(text, PUB)
    rel = {(r.kind, r.subject, r.object) for r in facts.relations}
    assert ("represented_by", "Panca Wijaya Akbar", "Muhammad Sobri") in rel
    assert any(k == "accompanied_by" and o == "Joko Susilo" for k, _, o in rel)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Menurut Kades Sukamaju, Wahyu Prasetyo, warga sudah menerima bantuan.", "Wahyu Prasetyo", "kades sukamaju"),
        ("Bupati Muara Enim nonaktif Ahmad Yani menjalani sidang.", "Ahmad Yani", "bupati muara enim nonaktif"),
        ("Indra Kusuma selaku Gubernur Sumsel meninjau lokasi.", "Indra Kusuma", "gubernur sumsel"),
        ("Ketua Bawaslu, Muhammad, mengatakan laporan sudah diterima.", "Muhammad", "ketua bawaslu"),
    ],
)
def test_more_position_forms(ex: Extractor, text: str, name: str, role: str) -> None:
    assert _officials(ex, text) == {name: role}


def test_stacked_honorifics(ex: Extractor) -> None:
    assert _officials(ex, "Wali Kota Jambi Dr dr H Syarif Fasha ME membuka acara.") == {
        "Syarif Fasha": "wali kota jambi"
    }


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Kepala Desa Rantau Panjang, Markus Ladjar, mengatakan warga siap.", "Markus Ladjar", "kepala desa"),
        ("Peluncuran dihadiri Komandan Kodim 0729/Bantul Letkol Inf Bagus Hartanto.", "Bagus Hartanto", "komandan kodim"),
        ("Panglima Kodam XIV/Hasanuddin Mayjen TNI Yudha Pratama menambahkan.", "Yudha Pratama", "panglima kodam"),
        ("Direktur Utama PT Pelabuhan Indonesia (Pelindo) Regional 4, Arman Dwi Saputra, mengatakan.",
         "Arman Dwi Saputra", "direktur utama"),
        ("Rektor USK Prof Dr Teuku Rizal Mahdi mengatakan kampus siap.", "Teuku Rizal Mahdi", "rektor"),
    ],
)
def test_village_military_company_and_acehnese_names(ex: Extractor, text: str, name: str, role: str) -> None:
    got = _officials(ex, text)
    assert got[name].startswith(role)


def test_retired_rank_and_party_faction(ex: Extractor) -> None:
    got = _officials(ex, "Kepala BSSN Letjen TNI (Purn) Hendarto Wirawan menjelaskan simulasi. Anggota DPRD "
                         "Sumatera Barat dari Fraksi Partai Gerindra, Hidayat Nasution, meminta promosi.")
    assert got["Hendarto Wirawan"].startswith("kepala bssn")
    assert got["Hidayat Nasution"].startswith("anggota dprd")
    assert "TNI" not in got


def test_name_score_reads_office_words_apart_from_names() -> None:
    from extractors.lexicon import name_score

    for word in ("Pendayagunaan", "Kependidikan", "Subseksi", "Corporate", "Penggerak"):
        assert name_score(word) < 0.15, word
    for word in ("Budi", "Siti", "Herwan", "Nasrul", "Yanyan"):
        assert name_score(word) > 0.5, word


@pytest.mark.parametrize(
    "text",
    [
        "Hal itu disampaikan Wakil Menteri Pendayagunaan Aparatur Negara dalam rapat, Senin (3/6/2024).",
        "Acara dibuka Kepala Subseksi Hanggar di Bandara Radin Inten, Senin (3/6/2024).",
        "Ketua Koordinator Guru Penggerak Angkatan 4 terpilih dalam rapat itu.",
    ],
)
def test_office_words_after_a_position_are_no_person(ex: Extractor, text: str) -> None:
    assert ex.extract(text, "2024-06-04").officials == []


def test_unusual_names_stay_officials(ex: Extractor) -> None:
    facts = ex.extract("Bupati Lampung Barat Parosil Mabsus membuka acara itu, Senin (3/6/2024).", "2024-06-04")
    assert [o.name for o in facts.officials] == ["Parosil Mabsus"]


def test_name_table_is_what_its_script_makes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """extractors/data/name_ngrams.tsv is reproducible from the shared corpora."""
    pytest.importorskip("sklearn", reason="scikit-learn (dev extra) trains the name model")
    import subprocess
    import sys
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared"
    if not (shared / "data" / "ner" / "idner-news-2k").is_dir():
        pytest.skip("../shared is absent: the name model is trained from its NER corpora")
    data = Path(__file__).resolve().parents[1] / "extractors" / "data"
    out = tmp_path / "name_ngrams.tsv"
    subprocess.run([sys.executable, str(data / "make_name_ngrams.py"), str(shared), str(out)], check=True,
                   capture_output=True)
    assert out.read_text(encoding="utf-8") == (data / "name_ngrams.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ketua Harian Badan Pengelola Geopark Ciletuh-Palabuhanratu Deny Juanda mengatakan sertifikat itu terbit.",
         "Deny Juanda"),
    ],
)
def test_body_words_in_front_of_a_name_are_left_out(ex: Extractor, text: str, name: str) -> None:
    assert name in [o.name for o in ex.extract(text, "2019-09-20").officials]


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Agenda Menpora Imam Nahrawi diserahkan ke Deputi.", "Imam Nahrawi", "menpora"),
        ("Dirreskrimsus Polda Metro Jaya, Kombes Iwan Kurniawan menerangkan, pakaian bekas dilarang.", "Iwan Kurniawan",
         "dirreskrimsus polda metro jaya"),
        ("Hadir Wakil Bupati Muhammad Saal dan Sekkab Firman dalam acara itu.", "Firman", "sekkab"),
    ],
)
def test_more_short_positions(ex: Extractor, text: str, name: str, role: str) -> None:
    assert (name, role) in [(o.name, o.role) for o in ex.extract(text, "2019-09-20").officials]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kepala Kepolisian Resor Cianjur, Ajun Komisaris Besar Soliyah, mengaku terharu.", "Soliyah"),
        ("Kepala Penerangan Kodam XVII/Cenderawasih, Letkol CPL Eko Daryanto menjelaskan rencana itu.", "Eko Daryanto"),
        ("Bupati Pasangkayu Agus Ambo Djiwa Pimpin Rapat Pelantikan Pejabat", "Agus Ambo Djiwa"),
    ],
)
def test_ranks_before_and_headline_words_after_a_name_are_no_part_of_it(ex: Extractor, text: str, name: str) -> None:
    assert name in [o.name for o in ex.extract(text, "2019-09-20").officials]


def _bodies(ex: Extractor, text: str) -> dict[str, str | None]:
    return {o.name: o.org for o in ex.extract(text, "2019-09-20").officials}


def test_a_head_written_without_a_region_serves_the_region_the_article_is_about(ex: Extractor) -> None:
    text = ("Pemerintah Kabupaten Pasangkayu menggelar rapat pelantikan pejabat di Pasangkayu. "
            "Hadir dalam kesempatan itu Bupati Agus Ambo Djiwa dan Kapolres AKBP Leo Joko Triwibowo.")
    bodies = _bodies(ex, text)
    assert bodies["Agus Ambo Djiwa"] == "Kabupaten Pasangkayu"
    assert bodies["Leo Joko Triwibowo"] == "Polres Pasangkayu"


def test_a_governor_without_a_province_serves_the_province_of_the_regions_named(ex: Extractor) -> None:
    text = "Banjir melanda Kota Medan dan Kabupaten Deli Serdang. Gubernur Edy Rahmayadi meninjau lokasi."
    assert _bodies(ex, text)["Edy Rahmayadi"] == "Sumatera Utara"


def test_short_forms_of_ministers_name_their_ministry(ex: Extractor) -> None:
    assert _bodies(ex, "Agenda Menpora Imam Nahrawi diserahkan ke Deputi.")["Imam Nahrawi"] == \
        "Kementerian Pemuda dan Olahraga"


def test_the_area_in_a_local_post_is_the_body(ex: Extractor) -> None:
    assert _bodies(ex, "Camat Gadingrejo Eko Purwanto membuka acara itu.")["Eko Purwanto"] == "Kecamatan Gadingrejo"


def test_a_unit_with_its_short_form_is_no_name_and_the_name_before_the_post_is_read(ex: Extractor) -> None:
    text = "Hal tersebut disampaikan Agung Suganda, Kepala Pusat Veteriner Farma (Pusvetma) dalam acara itu."
    assert [o.name for o in ex.extract(text, "2021-01-04").officials] == ["Agung Suganda"]
    assert [o.name for o in ex.extract("Anggota DPRD Rudi Hartono (PPP) hadir.", "2021-01-04").officials] == \
        ["Rudi Hartono"]


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Romli yang juga menjabat Sekda Muara Enim mengatakan hal itu.", "Romli", "sekda muara enim"),
        ("Budi Santoso selaku kepala desa mengatakan hal itu.", "Budi Santoso", "kepala desa"),
    ],
)
def test_name_first_with_a_linking_verb(ex: Extractor, text: str, name: str, role: str) -> None:
    assert (name, role) in [(o.name, o.role) for o in ex.extract(text, "2021-01-04").officials]


def test_a_lower_case_post_without_a_linking_verb_still_needs_a_clear_name(ex: Extractor) -> None:
    assert ex.extract("Para bupati dan wali kota selaku kepala daerah hadir.", "2021-01-04").officials == []


def test_people_listed_with_party_tags_after_a_plural_post(ex: Extractor) -> None:
    text = "Anggota DPRD yang hadir yakni Rudi Hartono (Partai Golkar), Hasan Basri (PPP) dan Joko Susilo (PDIP)."
    assert [(o.name, o.role) for o in ex.extract(text, "2021-01-04").officials] == [
        ("Rudi Hartono", "anggota dprd"), ("Hasan Basri", "anggota dprd"), ("Joko Susilo", "anggota dprd")]


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Kepala Seksi Pelayanan Teknis Balai Besar Wilayah Sungai Citarum, Budi Santoso mengatakan, air naik.",
         "Budi Santoso", "kepala seksi pelayanan teknis balai besar wilayah sungai citarum"),
        ("Kepala Kantor Imigrasi Kelas II Cilacap Kompol Hendra Wijaya menjelaskan aturan paspor.",
         "Hendra Wijaya", "kepala kantor imigrasi kelas ii cilacap"),
    ],
)
def test_a_long_body_before_the_name_stays_in_the_role(ex: Extractor, text: str, name: str, role: str) -> None:
    assert _officials(ex, text) == {name: role}


def test_a_clear_name_after_the_post_is_kept_before_a_list_of_others(ex: Extractor) -> None:
    text = "Ketua DPRD Lahat Budi Ahmad, Joko Susilo dan warga hadir."
    assert _officials(ex, text) == {"Budi Ahmad": "ketua dprd lahat"}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Menteri Koordinator Bidang Maritim Budi Hartono Siregar meninjau pelabuhan.", "Budi Hartono Siregar",
         "menteri koordinator bidang maritim"),
        ("Menteri Energi Pangeran Faisal bin Abdullah mengatakan produksi turun.", "Faisal bin Abdullah",
         "menteri energi"),
    ],
)
def test_body_words_in_front_of_a_full_name_go_back_to_the_role(ex: Extractor, text: str, name: str,
                                                                role: str) -> None:
    assert _officials(ex, text) == {name: role}


@pytest.mark.parametrize(
    ("text", "name", "body"),
    [
        ("Wakil Menteri Keuangan Republik Indonesia, Budi Hartono mengatakan pajak naik.", "Budi Hartono",
         "Kementerian Keuangan"),
        ("Menko Bidang Pangan, Joko Susilo melaporkan panen raya.", "Joko Susilo", "Kementerian Koordinator Bidang Pangan"),
    ],
)
def test_a_ministers_post_names_the_ministry(ex: Extractor, text: str, name: str, body: str) -> None:
    assert _bodies(ex, text)[name] == body


@pytest.mark.parametrize(
    ("text", "name", "body"),
    [
        ("Ketua DPC PDIP Lahat, Budi Santoso mengatakan kader siap.", "Budi Santoso", "DPC PDIP Lahat"),
        ("Kepala BPK RI Perwakilan Provinsi Jambi Joko Susilo menyerahkan laporan.", "Joko Susilo",
         "BPK RI Perwakilan Provinsi Jambi"),
        ("Anggota DPRD Lahat Fraksi Gerindra Joko Susilo menegaskan hal itu.", "Joko Susilo", "DPRD Lahat"),
    ],
)
def test_a_branch_is_the_body_and_a_faction_is_not(ex: Extractor, text: str, name: str, body: str) -> None:
    assert _bodies(ex, text)[name] == body


@pytest.mark.parametrize(
    ("text", "name", "body"),
    [
        ("Kepala BKPSDM Joko Susilo mengatakan seleksi dibuka.", "Joko Susilo", "BKPSDM"),
        ("Kabid GTK Budi Santoso mengatakan guru siap.", "Budi Santoso", None),
        ("Rapat dipimpin Ketua DPRD Lahat Busroni, didampingi Wakil Ketua II Joko Susilo dan warga.", "Joko Susilo",
         "DPRD Lahat"),
    ],
)
def test_an_unknown_short_form_and_a_listed_bare_post_give_the_body(ex: Extractor, text: str, name: str,
                                                                    body: str | None) -> None:
    assert _bodies(ex, text)[name] == body


def test_foreign_place_and_organisation_nouns_are_no_names(ex: Extractor) -> None:
    assert _officials(ex, "Hadir pula Wali Kota Kobe City dalam acara itu.") == {}
    text = "Hadir Ketua Dewan Promosi Shima Geopark Hiroshi Tanaka di aula itu."
    assert _officials(ex, text) == {"Hiroshi Tanaka": "ketua dewan promosi shima geopark"}


def test_a_title_before_a_comma_and_a_short_form_after_a_name(ex: Extractor) -> None:
    text = "Dalam acara itu Sekda Kabupaten Lahat H, Budi Santoso, bersama Wakil Bupati Joko, OPD, serta camat hadir."
    assert _officials(ex, text) == {"Budi Santoso": "sekda kabupaten lahat", "Joko": "wakil bupati"}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Hal itu disampaikan Koordinator aksi, Rudi Hartono saat dihubungi.", "Rudi Hartono", "koordinator aksi"),
        ("Ketua panitia kegiatan Ahmad Fauzi Lubis, menjelaskan acara itu.", "Ahmad Fauzi Lubis",
         "ketua panitia kegiatan"),
        ("Wakil Bupati Karo Cory Seriwaty br Sebayang membuka acara.", "Cory Seriwaty br Sebayang", "wakil bupati karo"),
    ],
)
def test_lower_case_words_describing_a_post_before_the_name(ex: Extractor, text: str, name: str, role: str) -> None:
    assert _officials(ex, text) == {name: role}


def test_a_degree_written_without_dots_ends_the_name(ex: Extractor) -> None:
    text = "Juru Bicara Pemprov Jambi, dr Rina Marlina MKes, menjawab wartawan."
    assert list(_officials(ex, text)) == ["Rina Marlina"]


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Hadir pula Tenaga Ahli DPR RI Budi Hartono dalam acara itu.", "Budi Hartono", "tenaga ahli dpr ri"),
        ("Menurut Pejabat Pembuat Komitmen Jalan Tol Trans Sumatera, Joko Susilo, lahan sudah bebas.", "Joko Susilo",
         "pejabat pembuat komitmen jalan tol trans sumatera"),
    ],
)
def test_functional_and_project_posts(ex: Extractor, text: str, name: str, role: str) -> None:
    assert _officials(ex, text) == {name: role}


def test_a_person_span_running_into_an_institution_does_not_make_the_unit_a_name(ex: Extractor) -> None:
    text = "Acara dibuka bersama Analis Ahli Madya Bidang Promed Prokerma BGN, Sukina, serta para guru."
    assert list(_officials(ex, text)) == ["Sukina"]


def test_a_shorter_form_of_a_full_name_is_the_same_person(ex: Extractor) -> None:
    text = ("Bupati Lahat Budi Hartono Siregar membuka pasar. Menurut Bupati Lahat Budi Siregar, pasar itu ramai. "
            "Kapolres Lahat AKBP Joko Susilo\n\nStadion Sumpah Pemuda ramai.")
    assert sorted(_officials(ex, text)) == ["Budi Hartono Siregar", "Joko Susilo"]


def test_a_short_name_of_a_fuller_one_is_the_same_person(ex: Extractor) -> None:
    text = "Gubernur Jambi Rahmat Mirzani Hasan membuka rapat. Rapat itu ramai, kata Gubernur Mirza."
    assert list(_officials(ex, text)) == ["Rahmat Mirzani Hasan"]


def test_a_spouse_named_after_the_official_is_another_person(ex: Extractor) -> None:
    text = ("Bupati Lahat Cik Ujang membuka acara. Ketua TP PKK Kabupaten Lahat Lidyawati Cik Ujang turut hadir.")
    assert sorted(_officials(ex, text)) == ["Cik Ujang", "Lidyawati Cik Ujang"]


def test_police_and_military_posts_written_as_one_abbreviation(ex: Extractor) -> None:
    facts = ex.extract("Hadir Kasdim 1311 Morowali Mayor Inf Arifin Rito Wibowo dan Waka Polresta AKBP Muji "
                    "Supriyadi. Karo SDM Polda Banten Kombes Pol Langgeng Purnomo akan digantikan.", "2019-09-20")
    got = {o.name: o.role for o in facts.officials}
    assert got == {"Arifin Rito Wibowo": "kasdim 1311 morowali", "Muji Supriyadi": "waka polresta",
                   "Langgeng Purnomo": "karo sdm polda banten"}
    assert {i.name for i in facts.institutions} >= {"Kodim 1311 Morowali", "Polda Banten"}


def test_the_holder_named_after_yang_dijabat_holds_the_post(ex: Extractor) -> None:
    facts = ex.extract("Kapolres Lebak yang sebelumnya dijabat AKBP Dani Arianto kini kosong.", "2019-09-20")
    assert [(o.name, o.role, o.org) for o in facts.officials] == [("Dani Arianto", "kapolres lebak", "Polres Lebak")]
