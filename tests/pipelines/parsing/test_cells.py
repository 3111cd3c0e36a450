"""Cell parsers, one quirk per case, as DATA_CONTRACT.md section 1 says schools really write values.

Each parser is a Polars expression over raw text. A case list is parsed as one column holding every case
(forms are mixed in one column in a real sheet), then each case is asserted on its own row.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

import polars as pl
import pytest

from pipelines.parsing import cells
from warehouse.contracts import get


def evaluate(parser, raws: list[str | None], *args) -> list[tuple]:
    """Rows of (value,) for plain parsers, (value, unreadable, ce_year) for `Parsed` ones."""
    frame = pl.DataFrame({"raw": raws}, schema={"raw": pl.String})
    out = parser(pl.col("raw"), *args)
    if isinstance(out, cells.Parsed):
        return frame.select(
            value=out.value, unreadable=out.unreadable.fill_null(False), ce_year=out.ce_year.fill_null(False)
        ).rows()
    return frame.select(value=out).rows()


@functools.cache
def _column(parser, raws: tuple, args: tuple) -> tuple[tuple, ...]:
    assert len(set(raws)) == len(raws), "case lists need distinct raw values"
    return tuple(evaluate(parser, list(raws), *args))


def parsed(parser, cases, raw: str | None, *args) -> tuple:
    """The result for `raw` when every case of `cases` is parsed together as one column, as in a real
    sheet where all forms share a column. (Also keeps the run fast: Polars plans each parser once.)"""
    raws = tuple(c.values[0] for c in cases)
    return _column(parser, raws, args)[raws.index(raw)]


# --- text --------------------------------------------------------------------------------------------

TEXT = [
    pytest.param("โรงเรียนบ้านนา", "โรงเรียนบ้านนา", id="plain-thai"),
    pytest.param("  โรงเรียน   บ้านนา  ", "โรงเรียน บ้านนา", id="spaces-collapsed-and-stripped"),
    pytest.param("โรงเรียน\u00a0บ้านนา\u00a0", "โรงเรียน บ้านนา", id="nbsp"),
    pytest.param("\u200bโรงเรียน\u200bบ้านนา", "โรงเรียนบ้านนา", id="zero-width-space-u200b"),
    pytest.param("\ufeffโรงเรียนบ้านนา", "โรงเรียนบ้านนา", id="bom-ufeff-in-cell"),
    pytest.param("โรงเรียน\u200c\u200d\u2060บ้านนา", "โรงเรียนบ้านนา", id="other-zero-width"),
    pytest.param("โรงเรียน\nบ้านนา", "โรงเรียน บ้านนา", id="newline-in-cell"),
    pytest.param("", None, id="empty-is-null"),
    pytest.param("   ", None, id="spaces-only-is-null"),
    pytest.param("\u200b\u00a0", None, id="invisible-only-is-null"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("raw", "expected"), TEXT)
def test_text(raw, expected):
    assert parsed(cells.text, TEXT, raw) == (expected,)


DIGITS = [
    pytest.param("๐๑๒๓๔๕๖๗๘๙", "0123456789", id="every-thai-digit"),
    pytest.param("ปี ๒๕๖๙", "ปี 2569", id="thai-digits-inside-text"),
    pytest.param("๑๒3", "123", id="mixed-thai-and-arabic"),
    pytest.param(" ๑๒ ", "12", id="cleaned-like-text"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("raw", "expected"), DIGITS)
def test_digits(raw, expected):
    assert parsed(cells.digits, DIGITS, raw) == (expected,)


# --- numbers -----------------------------------------------------------------------------------------
# (raw, value, unreadable FMT-01, CE year FMT-02)

NUMBER = [
    pytest.param("1250", 1250.0, False, False, id="plain"),
    pytest.param("1,250", 1250.0, False, False, id="thousands-separator"),
    pytest.param("1,250.75", 1250.75, False, False, id="thousands-and-decimals"),
    pytest.param("1,234,567", 1234567.0, False, False, id="two-separators"),
    pytest.param("๑,๒๕๐", 1250.0, False, False, id="thai-digits-with-separator"),
    pytest.param("๑๒", 12.0, False, False, id="thai-digits"),
    pytest.param("20 Mbps", 20.0, False, False, id="trailing-unit-mbps"),
    pytest.param("20Mbps", 20.0, False, False, id="trailing-unit-no-space"),
    pytest.param("12.50 บาท", 12.5, False, False, id="trailing-thai-unit"),
    pytest.param("-", 0.0, False, False, id="dash-means-zero"),
    pytest.param(" - ", 0.0, False, False, id="dash-with-spaces-means-zero"),
    pytest.param("–", 0.0, False, False, id="en-dash-means-zero"),
    pytest.param("0", 0.0, False, False, id="zero"),
    pytest.param("-5", -5.0, False, False, id="negative-kept-for-the-rules"),
    pytest.param("\u200b7\u00a0", 7.0, False, False, id="invisible-chars-around"),
    pytest.param(None, None, False, False, id="null-is-unknown-not-zero"),
    pytest.param("", None, False, False, id="blank-is-unknown-not-zero"),
    pytest.param("   ", None, False, False, id="spaces-are-blank"),
    pytest.param("\u200b", None, False, False, id="zero-width-only-is-blank"),
    pytest.param("abc", None, True, False, id="text-unreadable"),
    pytest.param("ไม่ทราบ", None, True, False, id="thai-word-unreadable"),
    pytest.param("N/A", None, True, False, id="na-unreadable"),
    pytest.param("10-12", None, True, False, id="range-unreadable"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), NUMBER)
def test_number(raw, value, unreadable, ce):
    assert parsed(cells.number, NUMBER, raw) == (value, unreadable, ce)



INTEGER = [
    pytest.param("6", 6, False, False, id="plain"),
    pytest.param("1,250", 1250, False, False, id="thousands-separator"),
    pytest.param("๓", 3, False, False, id="thai-digit"),
    pytest.param("100 คน", 100, False, False, id="trailing-unit-people"),
    pytest.param("3.0", 3, False, False, id="numeric-storage-float"),
    pytest.param("-", 0, False, False, id="dash-means-zero"),
    pytest.param("-2", -2, False, False, id="negative-kept-for-the-rules"),
    pytest.param("1.5", None, True, False, id="fraction-unreadable"),
    pytest.param("ห้า", None, True, False, id="number-in-words-unreadable"),
    pytest.param(None, None, False, False, id="null-is-unknown-not-zero"),
    pytest.param("", None, False, False, id="blank-is-unknown-not-zero"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), INTEGER)
def test_integer(raw, value, unreadable, ce):
    assert parsed(cells.integer, INTEGER, raw) == (value, unreadable, ce)



# --- codes -------------------------------------------------------------------------------------------

SCHOOL_CODE = [
    pytest.param("1034560001", "1034560001", id="clean"),
    pytest.param("'1034560001", "1034560001", id="leading-apostrophe"),
    pytest.param("’1034560001", "1034560001", id="leading-typographic-apostrophe"),
    pytest.param(" 1034560001 ", "1034560001", id="surrounding-spaces"),
    pytest.param("1034 560 001", "1034560001", id="inner-spaces"),
    pytest.param("\u00a01034560001\u00a0", "1034560001", id="nbsp"),
    pytest.param("1034560001\u200b", "1034560001", id="zero-width-u200b"),
    pytest.param("\ufeff1034560001", "1034560001", id="bom-ufeff"),
    pytest.param("๑๐๓๔๕๖๐๐๐๑", "1034560001", id="thai-digits"),
    pytest.param("'๑๐๓๔๕๖๐๐๐๑", "1034560001", id="apostrophe-and-thai-digits"),
    pytest.param("1034560001.0", "1034560001", id="numeric-storage-dot-zero"),
    pytest.param("1034560001.00", "1034560001", id="numeric-storage-dot-zeros"),
    pytest.param("1.034560001E9", "1034560001", id="scientific-notation"),
    pytest.param("1.034560001e+09", "1034560001", id="scientific-notation-lower-plus"),
    pytest.param("34560001", "34560001", id="no-width-no-padding"),
    pytest.param("ABC123", "ABC123", id="not-digits-kept-for-the-rules"),
    pytest.param("'", None, id="apostrophe-only-is-blank"),
    pytest.param("", None, id="blank"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("raw", "expected"), SCHOOL_CODE)
def test_code_without_width(raw, expected):
    assert parsed(cells.code, SCHOOL_CODE, raw, None) == (expected,)



def test_smis_width_comes_from_the_contract():
    assert get("schools").column("smis_code").width == 8


SMIS_CODE = [
    pytest.param("34560001", "34560001", id="full-width"),
    pytest.param("1234567", "01234567", id="lost-one-leading-zero"),
    pytest.param("123456", "00123456", id="lost-two-leading-zeros"),
    pytest.param("1234567.0", "01234567", id="numeric-storage-and-lost-zero"),
    pytest.param("1.234567E6", "01234567", id="scientific-and-lost-zero"),
    pytest.param("๑๒๓๔๕๖๗", "01234567", id="thai-digits-and-lost-zero"),
    pytest.param("'01234567", "01234567", id="apostrophe-kept-zero"),
    pytest.param("123456789", "123456789", id="too-long-kept-for-the-rules"),
    pytest.param("AB123", "AB123", id="not-digits-not-padded"),
    pytest.param(None, None, id="null-not-padded"),
]


@pytest.mark.parametrize(("raw", "expected"), SMIS_CODE)
def test_code_padded_to_width(raw, expected):
    assert parsed(cells.code, SMIS_CODE, raw, get("schools").column("smis_code").width) == (expected,)



PHONE = [
    pytest.param("0812345678", "0812345678", id="mobile"),
    pytest.param("812345678", "0812345678", id="mobile-lost-leading-zero"),
    pytest.param("812345678.0", "0812345678", id="mobile-numeric-storage"),
    pytest.param("8.12345678E8", "0812345678", id="mobile-scientific"),
    pytest.param("081-234-5678", "0812345678", id="dashes"),
    pytest.param("081 234 5678", "0812345678", id="spaces"),
    pytest.param("๐๘๑๒๓๔๕๖๗๘", "0812345678", id="thai-digits"),
    pytest.param("021234567", "021234567", id="landline"),
    pytest.param("21234567", "021234567", id="landline-lost-leading-zero"),
    pytest.param("02-123-4567", "021234567", id="landline-dashes"),
    pytest.param("+66 81 234 5678", "+66812345678", id="international-kept"),
    pytest.param("", None, id="blank"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("raw", "expected"), PHONE)
def test_phone(raw, expected):
    assert parsed(cells.phone, PHONE, raw) == (expected,)



# --- years -------------------------------------------------------------------------------------------

BE_YEAR = [
    pytest.param("2569", 2569, False, False, id="be"),
    pytest.param("๒๕๖๙", 2569, False, False, id="be-thai-digits"),
    pytest.param("2569.0", 2569, False, False, id="be-numeric-storage"),
    pytest.param(" 2569 ", 2569, False, False, id="be-spaces"),
    pytest.param("69", 2569, False, False, id="two-digit-be"),
    pytest.param("๖๙", 2569, False, False, id="two-digit-be-thai-digits"),
    pytest.param("60", 2560, False, False, id="two-digit-lowest-plausible"),
    pytest.param("75", 2575, False, False, id="two-digit-highest-plausible"),
    pytest.param("2560", 2560, False, False, id="lowest-plausible"),
    pytest.param("2575", 2575, False, False, id="highest-plausible"),
    pytest.param("2026", 2569, False, True, id="ce-converted-and-warned"),
    pytest.param("2017", 2560, False, True, id="ce-lowest-plausible"),
    pytest.param("2032", 2575, False, True, id="ce-highest-plausible"),
    pytest.param("2559", None, True, False, id="be-below-range-unreadable"),
    pytest.param("2576", None, True, False, id="be-above-range-unreadable"),
    pytest.param("59", None, True, False, id="two-digit-below-range-unreadable"),
    pytest.param("76", None, True, False, id="two-digit-above-range-unreadable"),
    pytest.param("2016", None, True, False, id="ce-below-range-unreadable-not-warned"),
    pytest.param("2033", None, True, False, id="ce-above-range-unreadable-not-warned"),
    pytest.param("1999", None, True, False, id="old-ce-unreadable"),
    pytest.param("ไม่ระบุ", None, True, False, id="text-unreadable"),
    pytest.param("", None, False, False, id="blank-is-null"),
    pytest.param(None, None, False, False, id="null"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), BE_YEAR)
def test_be_year(raw, value, unreadable, ce):
    assert parsed(cells.be_year, BE_YEAR, raw) == (value, unreadable, ce)



# --- dates -------------------------------------------------------------------------------------------
# 15 January 2569 BE is 15 January 2026 CE; Excel serial 46037.

JAN15 = date(2026, 1, 15)
DATE = [
    pytest.param("46037", JAN15, False, False, id="excel-serial"),
    pytest.param("46037.0", JAN15, False, False, id="excel-serial-float"),
    pytest.param("2026-01-15 00:00:00", JAN15, False, False, id="excel-date-cell-not-warned"),
    pytest.param("2026-01-15 13:30:00", JAN15, False, False, id="excel-datetime-cell"),
    pytest.param("15/01/2569", JAN15, False, False, id="dd-mm-yyyy-be"),
    pytest.param("12/01/2569", date(2026, 1, 12), False, False, id="day-first-not-month-first"),
    pytest.param("5/1/2569", date(2026, 1, 5), False, False, id="d-m-yyyy-no-zero-padding"),
    pytest.param("15/01/69", JAN15, False, False, id="dd-mm-yy-two-digit-be"),
    pytest.param("15-01-2569", JAN15, False, False, id="dashes"),
    pytest.param("15.01.2569", JAN15, False, False, id="dots"),
    pytest.param("๑๕/๐๑/๒๕๖๙", JAN15, False, False, id="thai-digits"),
    pytest.param("2569-01-15", JAN15, False, False, id="iso-order-be"),
    pytest.param("2569-1-5", date(2026, 1, 5), False, False, id="iso-order-be-no-padding"),
    pytest.param("15 ม.ค. 2569", JAN15, False, False, id="thai-abbreviated-month"),
    pytest.param("15 ม.ค.2569", JAN15, False, False, id="thai-abbreviated-no-space-after"),
    pytest.param("15ม.ค.2569", JAN15, False, False, id="thai-abbreviated-no-spaces"),
    pytest.param("15 ม.ค. 69", JAN15, False, False, id="thai-abbreviated-two-digit-year"),
    pytest.param("15 มกราคม 2569", JAN15, False, False, id="thai-full-month"),
    pytest.param("15 มกราคม 69", JAN15, False, False, id="thai-full-month-two-digit-year"),
    pytest.param("๑๕ ม.ค. ๒๕๖๙", JAN15, False, False, id="thai-month-thai-digits"),
    pytest.param("29/02/2567", date(2024, 2, 29), False, False, id="leap-day-in-a-ce-leap-year"),
    pytest.param("1/1/2560", date(2017, 1, 1), False, False, id="first-plausible-day"),
    pytest.param("31/12/2575", date(2032, 12, 31), False, False, id="last-plausible-day"),
    pytest.param("15/01/2026", JAN15, False, True, id="ce-year-converted-and-warned"),
    pytest.param("2026-01-15", JAN15, False, True, id="ce-iso-text-warned"),
    pytest.param("15 ม.ค. 2026", JAN15, False, True, id="ce-year-with-thai-month-warned"),
    pytest.param("31/02/2569", None, True, False, id="no-31-february-unreadable"),
    pytest.param("29/02/2568", None, True, False, id="no-leap-day-in-2025-unreadable"),
    pytest.param("32/01/2569", None, True, False, id="day-32-unreadable"),
    pytest.param("15/13/2569", None, True, False, id="month-13-unreadable"),
    pytest.param("15 มค 2569", None, True, False, id="unknown-month-name-unreadable"),
    pytest.param("31/12/2559", None, True, False, id="year-below-range-unreadable"),
    pytest.param("1/1/2576", None, True, False, id="year-above-range-unreadable"),
    pytest.param("15/01/2040", None, True, False, id="implausible-ce-unreadable-not-warned"),
    pytest.param("12345", None, True, False, id="serial-outside-range-unreadable"),
    pytest.param("เมื่อวาน", None, True, False, id="text-unreadable"),
    pytest.param("", None, False, False, id="blank-is-null"),
    pytest.param(None, None, False, False, id="null"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), DATE)
def test_date(raw, value, unreadable, ce):
    assert parsed(cells.date, DATE, raw) == (value, unreadable, ce)



# Platform exports: a rule (PLAT-03) judges the range, so a date outside 2560-2575 is read, not refused.
DATE_ANY_YEAR = [
    pytest.param("2015-03-01", date(2015, 3, 1), False, False, id="before-2560-read"),
    pytest.param("01/01/2571", date(2028, 1, 1), False, False, id="future-be-read"),
    pytest.param("2026-01-15", date(2026, 1, 15), False, False, id="ce-iso-not-warned"),
    pytest.param("31/02/2569", None, True, False, id="no-31-february-still-unreadable"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), DATE_ANY_YEAR)
def test_date_whose_range_a_rule_judges(raw, value, unreadable, ce):
    assert parsed(functools.partial(cells.date, plausible=False, warn_ce=False), DATE_ANY_YEAR, raw) == (value, unreadable, ce)


DATETIME = [
    pytest.param("2026-01-15 08:30:12", datetime(2026, 1, 15, 8, 30, 12), False, False, id="iso-ce-fast-path"),
    pytest.param("2026-01-15T08:30:12+00:00", datetime(2026, 1, 15, 15, 30, 12), False, False, id="utc-to-thai-time"),
    pytest.param("2026-01-15T08:30:12+07:00", datetime(2026, 1, 15, 8, 30, 12), False, False, id="thai-offset"),
    pytest.param("2026-01-15T01:30:12Z", datetime(2026, 1, 15, 8, 30, 12), False, False, id="zulu"),
    pytest.param("2569-01-15 08:30:12", datetime(2026, 1, 15, 8, 30, 12), False, False, id="be-iso"),
    pytest.param("15/01/2569 08:30", datetime(2026, 1, 15, 8, 30), False, False, id="thai-day-first-minutes"),
    pytest.param("15 ม.ค. 2569 8.05", datetime(2026, 1, 15, 8, 5), False, False, id="thai-month-dot-time"),
    pytest.param("๒๕๖๙-๐๑-๑๕ ๐๘:๐๐:๐๐", datetime(2026, 1, 15, 8, 0), False, False, id="thai-digits"),
    pytest.param("2569-01-15 23:59:59.5", datetime(2026, 1, 15, 23, 59, 59, 500000), False, False, id="fraction"),
    pytest.param("46037.5", datetime(2026, 1, 15, 12, 0), False, False, id="excel-serial-noon"),
    pytest.param("2026-01-15", datetime(2026, 1, 15), False, False, id="date-only-midnight"),
    pytest.param("2015-03-01 10:00:00", datetime(2015, 3, 1, 10), False, False, id="old-year-read-rule-judges"),
    pytest.param("2026-01-15 25:00:00", None, True, False, id="hour-25-unreadable"),
    pytest.param("31/02/2569 10:00", None, True, False, id="no-31-february-unreadable"),
    pytest.param("ไม่ทราบ", None, True, False, id="text-unreadable"),
    pytest.param(None, None, False, False, id="null"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), DATETIME)
def test_datetime(raw, value, unreadable, ce):
    assert parsed(cells.datetime_, DATETIME, raw) == (value, unreadable, ce)


def test_datetime_can_warn_a_ce_year_when_asked():
    frame = pl.DataFrame({"raw": ["2026-01-15 08:30:12", "15/01/2569 08:30"]})
    out = cells.datetime_(pl.col("raw"), warn_ce=True)
    assert frame.select(out.ce_year).to_series().to_list() == [True, False]



THAI_MONTH_ABBREVIATIONS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
THAI_MONTH_NAMES = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]  # fmt: skip
LAYOUTS = {"spaced": "{d} {m} 2569", "unspaced": "{d}{m}2569", "two-digit-year": "{d} {m} 69"}
# Day = month number, so a month read as another month cannot pass by accident.
MONTHS = [
    pytest.param(layout.format(d=n, m=name), date(2026, n, n), id=f"{name}-{label}")
    for n, name in enumerate(THAI_MONTH_ABBREVIATIONS, start=1)
    for label, layout in LAYOUTS.items()
] + [
    pytest.param(f"{n} {name} 2569", date(2026, n, n), id=name)
    for n, name in enumerate(THAI_MONTH_NAMES, start=1)
]


@pytest.mark.parametrize(("raw", "expected"), MONTHS)
def test_every_thai_month(raw, expected):
    assert parsed(cells.date, MONTHS, raw) == (expected, False, False)


# --- booleans ----------------------------------------------------------------------------------------

BOOLEAN = [
    pytest.param("ใช่", True, False, False, id="chai-yes"),
    pytest.param("ไม่ใช่", False, False, False, id="mai-chai-no"),
    pytest.param("✓", True, False, False, id="check-mark"),
    pytest.param("✔", True, False, False, id="heavy-check-mark"),
    pytest.param("✗", False, False, False, id="ballot-x"),
    pytest.param("มี", True, False, False, id="mi-has"),
    pytest.param("ไม่มี", False, False, False, id="mai-mi-has-not"),
    pytest.param(" ใช่\u200b ", True, False, False, id="yes-with-spaces-and-zero-width"),
    pytest.param("Yes", True, False, False, id="english-yes-any-case"),
    pytest.param("NO", False, False, False, id="english-no-any-case"),
    pytest.param("TRUE", True, False, False, id="excel-true"),
    pytest.param("false", False, False, False, id="excel-false"),
    pytest.param("1", True, False, False, id="one"),
    pytest.param("0", False, False, False, id="zero"),
    pytest.param("-", False, False, False, id="dash-means-no"),
    pytest.param("อาจจะ", None, True, False, id="maybe-unreadable"),
    pytest.param("", None, False, False, id="blank-is-null"),
    pytest.param(None, None, False, False, id="null"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), BOOLEAN)
def test_boolean(raw, value, unreadable, ce):
    assert parsed(cells.boolean, BOOLEAN, raw) == (value, unreadable, ce)



TICKS = [  # a tick column (contract `blank: false`): ✓ or `/` for used, nothing for not used
    pytest.param("✓", True, False, False, id="tick"),
    pytest.param("/", True, False, False, id="slash-as-tick"),
    pytest.param("ใช้", True, False, False, id="chai-uses"),
    pytest.param("ไม่ใช้", False, False, False, id="mai-chai-does-not-use"),
    pytest.param("", False, False, False, id="blank-is-not-ticked"),
    pytest.param(None, False, False, False, id="empty-cell-is-not-ticked"),
    pytest.param(" \u200b", False, False, False, id="only-spaces-is-not-ticked"),
    pytest.param("อาจจะ", None, True, False, id="a-word-is-still-unreadable"),
]


@pytest.mark.parametrize(("raw", "value", "unreadable", "ce"), TICKS)
def test_tick_column_blank_means_no(raw, value, unreadable, ce):
    assert parsed(cells.boolean, TICKS, raw, False) == (value, unreadable, ce)
