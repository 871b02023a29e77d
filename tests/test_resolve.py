"""Entity resolution: people across name forms and positions, ministries by alias, places by code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.resolve import name_key, position_head
from db.store import Store
from pipeline.models import (
    Article,
    ArticleFacts,
    Institution,
    Official,
    Place,
    ProgrammeParticipant,
    Provenance,
)

WIB = dt.timezone(dt.timedelta(hours=7))


def prov() -> Provenance:
    return Provenance(0, 10, "kalimat", "warta.officials", "1.0")


def article(n: int, year: int = 2019, text: str = "") -> Article:
    body = text or f"Berita daerah nomor {n} tentang pemerintahan kabupaten dan pelayanan publik warga."
    return Article(
        url=f"https://sumsel.tribunnews.com/{year}/berita-{n}",
        canonical_url=f"https://sumsel.tribunnews.com/{year}/berita-{n}",
        outlet="sumsel.tribunnews.com",
        title=f"Berita {n}",
        paragraphs=[body],
        published=dt.datetime(year, 3, n % 28 + 1, 9, 0, tzinfo=WIB),
    )


def official(name: str, role: str, org: str | None, surface: str, code: str | None = None) -> Official:
    return Official(name, role, org, surface, prov(), region_code=code)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Ir. H. Ahmad Yani, MM", "ahmad yani"),
        ("Ahmad Yani", "ahmad yani"),
        ("Bupati Yani", "yani"),
        ("Dr. Hj. Siti Nurbaya Bakar, M.Sc", "siti nurbaya bakar"),
        ("H Herman Deru SH MM", "herman deru"),
        ("Drs. H. Harnojoyo, M.Si", "harnojoyo"),
    ],
)
def test_name_key_strips_titles_positions_and_degrees(written: str, key: str) -> None:
    assert name_key(written) == key


def test_position_head() -> None:
    assert position_head("bupati muara enim") == "bupati"
    assert position_head("Wakil Bupati Muara Enim") == "wakil bupati"
    assert position_head("plt wali kota palembang") == "plt wali"


def test_three_forms_of_one_official_in_different_articles_are_one_person(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), ArticleFacts(officials=[
        official("Ir. H. Ahmad Yani, MM", "bupati muara enim", "Kabupaten Muara Enim",
                 "Bupati Muara Enim Ir. H. Ahmad Yani, MM", "16.03")]))
    store.load(article(2), ArticleFacts(officials=[
        official("Ahmad Yani", "bupati", "Kabupaten Muara Enim", "Ahmad Yani")]))
    store.load(article(3), ArticleFacts(officials=[
        official("Yani", "bupati", "Kabupaten Muara Enim", "Bupati Yani")]))
    persons = store.conn.execute("SELECT id, name FROM entities WHERE kind = 'person'").fetchall()
    assert len(persons) == 1
    report = store.entity("Bupati Yani")
    assert report is not None and report.name == "Ahmad Yani"
    assert {a.id for a in report.articles} == {1, 2, 3}
    assert {a.alias for a in report.aliases} >= {"Ahmad Yani", "Bupati Yani", "Bupati Muara Enim Ir. H. Ahmad Yani, MM"}
    reasons = " | ".join(r for r, _ in report.link_reasons)
    assert "name key 'ahmad yani'" in reasons
    assert "surname 'yani'" in reasons and "holds 'bupati'" in reasons
    [position] = report.positions
    assert position.position == "bupati muara enim" and position.article_ids == [1, 2, 3]
    full = store.entity("Ahmad Yani")
    assert full is not None and full.matched_because == "key 'ahmad yani' matches 'Ahmad Yani'"
    full.matched_because = report.matched_because
    assert full == report


def test_surname_seen_before_the_full_name_is_merged_later(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), ArticleFacts(officials=[official("Yani", "bupati", "Kabupaten Muara Enim", "Bupati Yani")]))
    assert store.stats()["persons"] == 1
    store.load(article(2), ArticleFacts(officials=[
        official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Bupati Ahmad Yani")]))
    assert store.stats()["persons"] == 1
    report = store.entity("Yani")
    assert report is not None and report.name == "Ahmad Yani"
    assert {a.id for a in report.articles} == {1, 2}
    assert any("merged" in r for r, _ in report.link_reasons)


def test_surname_goes_to_the_full_name_holding_the_position(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), ArticleFacts(officials=[
        official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Ahmad Yani"),
        official("Rudi Yani", "kepala dinas kominfo", "Dinas Kominfo Muara Enim", "Rudi Yani"),
    ]))
    store.load(article(2), ArticleFacts(officials=[official("Yani", "bupati", None, "Bupati Yani")]))
    store.load(article(3), ArticleFacts(officials=[official("Yani", "camat", None, "Camat Yani")]))
    ahmad = store.entity("Ahmad Yani")
    assert ahmad is not None and {a.id for a in ahmad.articles} == {1, 2}
    # nobody named ...Yani is a camat: the mention stays apart, with the reason
    camat = [e for e in store.conn.execute("SELECT name, reason FROM entities WHERE key = 'yani'")]
    assert camat == [("Yani", "surname only; 2 full names end in 'yani', none unique for this position")]


def test_a_person_holds_different_positions_over_time(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1, 2013), ArticleFacts(officials=[
        official("Herman Deru", "bupati ogan komering ulu timur", "Kabupaten Ogan Komering Ulu Timur", "Herman Deru")]))
    store.load(article(2, 2016), ArticleFacts(officials=[
        official("H. Herman Deru, SH, MM", "bupati oku timur", "Kabupaten Ogan Komering Ulu Timur",
                 "Bupati OKU Timur H. Herman Deru, SH, MM")]))
    store.load(article(3, 2019), ArticleFacts(officials=[
        official("Herman Deru", "gubernur sumatera selatan", "Provinsi Sumatera Selatan", "Gubernur Herman Deru", "16")]))
    report = store.entity("Herman Deru")
    assert report is not None
    spans = [(p.position, p.first_seen[:4], p.last_seen[:4], p.article_ids) for p in report.positions]  # type: ignore[index]
    assert spans == [
        ("bupati ogan komering ulu timur", "2013", "2016", [1, 2]),
        ("gubernur sumatera selatan", "2019", "2019", [3]),
    ]


def test_ministry_aliases_resolve_to_one_institution(db_path: Path) -> None:
    store = Store(db_path)
    name = "Kementerian Komunikasi dan Informatika"
    store.load(article(1), ArticleFacts(institutions=[
        Institution(name, "Kementerian Kominfo", "ministry", prov(), ["Kominfo", "Kemenkominfo"])]))
    store.load(article(2), ArticleFacts(institutions=[Institution(name, "Kominfo", "ministry", prov(), ["Kominfo"])]))
    store.load(article(3), ArticleFacts(institutions=[
        Institution("Kemenkominfo", "Kemenkominfo", "ministry", prov())]))
    assert store.stats()["institutions"] == 1
    report = store.entity("kominfo")
    assert report is not None and report.name == name and {a.id for a in report.articles} == {1, 2, 3}
    why = {a.alias: a.reason for a in report.aliases}
    assert why["Kominfo"] == f"alias listed by the extractor for '{name}'"
    assert any("alias 'Kemenkominfo'" in r for r, _ in report.link_reasons)


def test_places_resolve_to_their_region_code(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), ArticleFacts(places=[Place("Kabupaten Muara Enim", "Muara Enim", "regency", prov(), "16.03")]))
    store.load(article(2), ArticleFacts(places=[Place("Kabupaten Muara Enim", "Kab. Muara Enim", "regency", prov(), "16.03")]))
    store.load(article(3), ArticleFacts(places=[Place("Kabupaten Muara Enim", "Muara Enim", "regency", prov())]))
    store.load(article(4), ArticleFacts(places=[Place("Kota Palembang", "Palembang", "city", prov(), "16.71")]))
    rows = store.conn.execute("SELECT name, key, region_code FROM entities WHERE kind = 'place' ORDER BY key").fetchall()
    assert rows == [("Kabupaten Muara Enim", "16.03", "16.03"), ("Kota Palembang", "16.71", "16.71")]
    report = store.entity("Muara Enim")
    assert report is not None and report.region_code == "16.03" and len(report.articles) == 3
    assert sorted(report.link_reasons) == [
        ("name 'Kabupaten Muara Enim' matches a known place", 1),
        ("new place with region code 16.03", 1),
        ("region code 16.03", 1),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "Bupati Yani",
        "bupati yani",
        "Ahmad Yani",
        "Ir. H. Ahmad Yani, MM",
        "Bupati Ahmad Yani",
        "Bupati Muara Enim Ir. H. Ahmad Yani, MM",
        "Bupati Muara Enim Yani",
    ],
)
def test_entity_lookup_accepts_position_plus_surname_and_titled_full_names(db_path: Path, typed: str) -> None:
    """Issue: 'warta entity "Bupati Yani"' found nothing when only the full titled name was loaded."""
    store = Store(db_path)
    store.load(article(1), ArticleFacts(officials=[
        official("Ir. H. Ahmad Yani, MM", "bupati muara enim", "Kabupaten Muara Enim",
                 "Bupati Muara Enim Ir. H. Ahmad Yani, MM", "16.03")]))
    report = store.entity(typed)
    assert report is not None and report.name == "Ahmad Yani" and report.kind == "person"
    assert report.matched_because
    assert report.other_matches == []


def test_position_plus_surname_needs_a_matching_position_and_lists_every_holder(db_path: Path) -> None:
    store = Store(db_path)
    store.load(article(1), ArticleFacts(officials=[
        official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Ahmad Yani", "16.03"),
        official("Rudi Yani", "bupati banyuasin", "Kabupaten Banyuasin", "Rudi Yani", "16.07"),
        official("Sri Yani", "kepala dinas kominfo kabupaten lahat", "Dinas Kominfo Kabupaten Lahat", "Sri Yani"),
    ]))
    assert store.entity("Camat Yani") is None
    assert store.entity("Wakil Bupati Yani") is None
    report = store.entity("Bupati Yani")
    assert report is not None
    assert {report.name, *(name for _, _, name in report.other_matches)} == {"Ahmad Yani", "Rudi Yani"}
    assert report.matched_because == "surname 'yani' of a person holding a position starting 'bupati'"
    kadis = store.entity("Kepala Dinas Kominfo Yani")
    assert kadis is not None and kadis.name == "Sri Yani" and kadis.other_matches == []
    assert store.entity("Kabupaten Banyuasin") is not None  # a place name starting with no position still resolves


def test_participant_region_is_the_place_not_an_institution_with_its_code(db_path: Path) -> None:
    """Issue: a participant region was shown as "DPRD Kota Lubuklinggau", the institution sharing its code."""
    store = Store(db_path)
    store.load(article(1), ArticleFacts(
        officials=[official("Rodi Wijaya", "ketua dprd kota lubuklinggau", "DPRD Kota Lubuklinggau",
                            "Ketua DPRD Kota Lubuklinggau Rodi Wijaya", "16.73")],
        program_participants=[ProgrammeParticipant("Kota Lubuk Linggau", "Gerakan Menuju 100 Smart City", 2022,
                                                   "Kota Lubuk Linggau", prov(), None, "16.73")],
    ))
    [participant] = store.programme("Gerakan Menuju 100 Smart City").participants
    assert (participant.region, participant.region_code) == ("Kota Lubuk Linggau", "16.73")
    kinds = dict(store.conn.execute("SELECT name, kind FROM entities WHERE region_code = '16.73'").fetchall())
    assert kinds == {"Kota Lubuk Linggau": "place", "DPRD Kota Lubuklinggau": "institution"}
    [org_kind] = store.conn.execute(
        "SELECT e.kind FROM official_roles r JOIN entities e ON e.id = r.org_entity_id").fetchone()
    assert org_kind == "institution"
