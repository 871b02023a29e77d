"""Dates: numeric day/month, written dates, ranges, month lists, years in phrases, relative days."""

from __future__ import annotations

import pytest

from extractors import Extractor

PUB = "2020-08-05T09:00:00+07:00"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _dates(ex: Extractor, text: str, pub: str = PUB) -> dict[str, str]:
    return {d.value: d.precision for d in ex.extract(text, pub).dates}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rapat digelar Senin (3/8).", {"2020-08-03": "day"}),
        ("Rapat digelar Senin (3/8/2020).", {"2020-08-03": "day"}),
        ("Vaksinasi dimulai Kamis (8/7/21).", {"2021-07-08": "day"}),
        ("Acara berlangsung 17 Agustus 2019 di lapangan.", {"2019-08-17": "day"}),
        ("Pelatihan digelar 10-12 Juni 2020.", {"2020-06-10": "day", "2020-06-12": "day"}),
        ("Bantuan cair Maret 2021.", {"2021-03": "month"}),
        ("Periode Januari, Februari, dan Maret 2020 sudah dibayar.",
         {"2020-01": "month", "2020-02": "month", "2020-03": "month"}),
        ("Perpanjangan berlaku Oktober hingga Desember 2020.", {"2020-10": "month", "2020-12": "month"}),
        ("Program berjalan dari tahun 2016 sampai dengan tahun 2018.", {"2016": "year", "2018": "year"}),
        ("Sesuai Perda Nomor 3 Tahun 2019 dan persiapan PON 2024.", {"2019": "year", "2024": "year"}),
        ("Rencana jangka panjang 2025-2045 disusun.", {"2025": "year", "2045": "year"}),
        ("Warga mengantre sejak kemarin.", {"2020-08-04": "day"}),
        ("Gaji bulan Juli sudah dibayar.", {"2020-07": "month"}),
        ("Rapat digelar Kamis, 30/7/2020 di aula.", {"2020-07-30": "day"}),
        ("Surat nomor 005/123/2020 tertanggal 15/5/2020 diterima.", {"2020-05-15": "day"}),
        ("Harga naik sejak Maret lalu.", {"2020-03": "month"}),
        ("Bantuan berikutnya cair pada Januari mendatang.", {"2021-01": "month"}),
    ],
)
def test_forms(ex: Extractor, text: str, expected: dict[str, str]) -> None:
    assert _dates(ex, text) == expected


def test_day_month_resolves_to_the_nearest_date_not_after_publication(ex: Extractor) -> None:
    assert _dates(ex, "Pemeriksaan dilakukan Senin (28/12).", "2021-01-04") == {"2020-12-28": "day"}


def test_a_year_inside_a_full_date_is_not_repeated(ex: Extractor) -> None:
    assert _dates(ex, "Surat tertanggal 5 Mei 2020 diterima.") == {"2020-05-05": "day"}


def test_numbers_that_are_not_years(ex: Extractor) -> None:
    assert _dates(ex, "Sebanyak 2.019 warga menerima Rp2020 dan 2021 orang hadir pukul 20.20 WIB.") == {}


@pytest.mark.parametrize(
    ("text", "pub", "expected"),
    [
        # a day-month date ahead of publication stays in the publication year (the weekday agrees)
        ("Bimbingan teknis dijadwalkan Selasa (28/8) di Palembang.", "2018-08-14T11:20:00+07:00", "2018-08-28"),
        ("Puncak arus mudik diperkirakan pada 27 April.", "2022-04-19T15:40:00+08:00", "2022-04-27"),
        # "lalu" keeps it in the past; early January looks back to December
        ("Warga sudah rapat pada 15 April lalu.", "2018-04-26T10:00:00+07:00", "2018-04-15"),
        ("Rapat digelar Senin (30/12).", "2020-01-03T09:00:00+07:00", "2019-12-30"),
        # Antara's dateline weekday: the last such day up to publication
        ("Kapolda di Makassar, Selasa, mengatakan personel siaga.", "2022-04-21T15:40:00+08:00", "2022-04-19"),
    ],
)
def test_day_month_year_nearest_publication(ex: Extractor, text: str, pub: str, expected: str) -> None:
    assert expected in _dates(ex, text, pub)


def test_month_without_year_nearest_publication(ex: Extractor) -> None:
    got = _dates(ex, "Kepala desa wajib menguasai aplikasi sebelum awal Februari.", "2024-01-09T13:10:00+07:00")
    assert got == {"2024-02": "month"}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Anggaran tahun ini naik.", ["2019"]),
        ("Kunjungan tahun lalu turun.", ["2018"]),
        ("Program itu dimulai tahun depan.", ["2020"]),
        ("Kami berharap bulan depan ditandatangani.", ["2019-02"]),
        ("Bulan lalu harga naik.", ["2018-12"]),
        ("Lima tahun lalu jalan itu rusak.", ["2014"]),
        ("Tiga bulan lalu jembatan itu ambruk.", ["2018-10"]),
        ("Pada Januari tahun ini jalan itu dibuka.", ["2019-01"]),
        ("Runway itu sudah satu bulan ini beroperasi.", []),
        ("Aturan itu berlaku selama lima tahun mendatang.", []),
        ("Mereka menetap di sana sejak belasan tahun lalu.", []),
    ],
)
def test_years_and_months_relative_to_publication(text: str, values: list[str]) -> None:
    from extractors import Extractor

    assert [d.value for d in Extractor().extract(text, "2019-01-17").dates] == values


def test_relative_periods_need_a_publication_date() -> None:
    from extractors import Extractor

    assert Extractor().extract("Anggaran tahun ini naik.", None).dates == []


def test_a_weekday_slip_keeps_the_date_near_publication(ex: Extractor) -> None:
    # 24 July 2025 is a Thursday; the weekday fits only 2024, a year from publication
    assert _dates(ex, "Paguyuban itu memperingati hari jadinya, Rabu (24/7).", "2025-07-24") == {"2025-07-24": "day"}


def test_a_weekday_still_picks_the_year_when_both_are_far(ex: Extractor) -> None:
    # published in February, the day in August: the weekday (Sunday 25 August 2019) decides
    assert _dates(ex, "Kata dia di Sukabumi, Ahad (25/8).", "2019-02-20") == {"2019-08-25": "day"}


@pytest.mark.parametrize(
    ("text", "pub", "expected"),
    [("Bantuan diberikan selama 3 bulan yakni Maret, April dan Mei.", "2020-06-25",
      {"2020-03": "month", "2020-04": "month", "2020-05": "month"}),
     ("Menurut data tahun 2018 periode Januari-Agustus, ekspor naik.", "2019-09-10",
      {"2018": "year", "2018-01": "month", "2018-08": "month"}),
     ("Bansos berlaku September, Oktober, dan November tahun ini.", "2023-09-21",
      {"2023-09": "month", "2023-10": "month", "2023-11": "month", "2023": "year"})],
)
def test_months_named_without_a_year(ex: Extractor, text: str, pub: str, expected: dict[str, str]) -> None:
    assert _dates(ex, text, pub) == expected


def test_a_full_date_before_1950(ex: Extractor) -> None:
    assert _dates(ex, "Ia lahir di Jakarta pada 10 Juli 1936.", "2019-09-10") == {"1936-07-10": "day"}


def test_other_stories_timestamps_are_no_dates(ex: Extractor) -> None:
    text = ("Rabu, 23 Juli 2025 5:25 WIB\n\nLomba digelar Selasa (22/7/2025).\n\n"
            "Jumat, 18 Juli 2025 22:13 Wib\n\nRabu, 9 Juli 2025 5:45 Wib\n")
    assert _dates(ex, text, "2025-07-23") == {"2025-07-23": "day", "2025-07-22": "day"}
