"""Property-based tests (hypothesis) for the number, date, year and code parsers.

Each property writes a known value the ways DATA_CONTRACT.md section 1 says schools write it (Thai
digits, separators, units, BE and 2-digit BE years, Thai month names, Excel serials, date cells,
numeric storage of codes ...) and asserts that parsing gives the value back (a round trip), with the
right FMT-01 / FMT-02 flags. A batch of written values is parsed as one column, as in a sheet.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipelines.parsing import cells

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
MONTHS_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]  # fmt: skip
EPOCH = dt.date(1899, 12, 30)
PLAUSIBLE = (dt.date(2017, 1, 1), dt.date(2032, 12, 31))  # BE 2560-2575
INVISIBLE = st.sampled_from(["", " ", "\u00a0", "\u200b", "\ufeff", "  "])


def run(parser, raws: list[str], *args) -> list[tuple]:
    out = parser(pl.col("raw"), *args)
    frame = pl.DataFrame({"raw": raws}, schema={"raw": pl.String})
    if isinstance(out, cells.Parsed):
        return frame.select(
            value=out.value, unreadable=out.unreadable.fill_null(False), ce_year=out.ce_year.fill_null(False)
        ).rows()
    return frame.select(value=out).rows()


def thai_digits(draw, s: str) -> str:
    return s.translate(THAI) if draw(st.booleans()) else s


# --- numbers ------------------------------------------------------------------------------------------


@st.composite
def written_number(draw) -> tuple[str, float]:
    whole = draw(st.integers(0, 10**9))
    decimals = draw(st.sampled_from(["", "5", "25", "75", "05", "50"]))
    negative = draw(st.booleans()) and (whole or decimals)
    body = f"{whole:,}" if draw(st.booleans()) else str(whole)
    body += f".{decimals}" if decimals else ""
    value = float(f"{'-' if negative else ''}{whole}{'.' + decimals if decimals else ''}")
    unit = draw(st.sampled_from(["", " บาท", " Mbps", "Mbps", " คน", " เครื่อง", " ห้อง"]))
    text = ("-" if negative else "") + thai_digits(draw, body) + unit
    return draw(INVISIBLE) + text + draw(INVISIBLE), value


@SETTINGS
@given(st.lists(written_number(), min_size=1, max_size=25))
def test_number_round_trips_every_written_form(cases):
    got = run(cells.number, [w for w, _ in cases])
    assert got == [(v, False, False) for _, v in cases]


@st.composite
def written_integer(draw) -> tuple[str, int]:
    n = draw(st.integers(0, 10**12))
    form = draw(st.sampled_from(["plain", "separator", "float-storage", "unit"]))
    text = {"plain": str(n), "separator": f"{n:,}", "float-storage": f"{n}.0", "unit": f"{n} คน"}[form]
    return draw(INVISIBLE) + thai_digits(draw, text) + draw(INVISIBLE), n


@SETTINGS
@given(st.lists(written_integer(), min_size=1, max_size=25))
def test_integer_round_trips_every_written_form(cases):
    assert run(cells.integer, [w for w, _ in cases]) == [(n, False, False) for _, n in cases]


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 9)), min_size=1, max_size=25))
def test_integer_refuses_fractions_and_number_keeps_them(cases):
    raws = [f"{n}.{f}" for n, f in cases]
    assert run(cells.integer, raws) == [(None, True, False)] * len(cases)
    assert run(cells.number, raws) == [(float(r), False, False) for r in raws]


@SETTINGS
@given(st.lists(st.text(alphabet="กขคงจฉชซญดตถทนบปผพฟมยรลวสหอฮะาิีุู่้abcxyz", min_size=1, max_size=12),
                min_size=1, max_size=20))
def test_words_without_digits_are_unreadable_never_zero(words):
    assume(all(w not in ("-",) for w in words))
    for parser in (cells.number, cells.integer):
        assert run(parser, words) == [(None, True, False)] * len(words)


@SETTINGS
@given(st.lists(st.text(alphabet=" \u00a0\u200b\u200c\u200d\ufeff\u2060\t\n", max_size=6), min_size=1, max_size=10))
def test_blank_is_unknown_not_zero_and_not_unreadable(blanks):
    for parser in (cells.number, cells.integer, cells.date, cells.be_year):
        assert run(parser, blanks) == [(None, False, False)] * len(blanks)


# --- years --------------------------------------------------------------------------------------------


@st.composite
def written_year(draw) -> tuple[str, int, bool]:
    be = draw(st.integers(2560, 2575))
    form = draw(st.sampled_from(["be", "be2", "prefix", "storage", "ce"]))
    text = {"be": str(be), "be2": f"{be % 100:02d}", "prefix": f"พ.ศ. {be}", "storage": f"{be}.0", "ce": str(be - 543)}[form]
    return draw(INVISIBLE) + thai_digits(draw, text) + draw(INVISIBLE), be, form == "ce"


@SETTINGS
@given(st.lists(written_year(), min_size=1, max_size=25))
def test_be_year_round_trips_and_warns_only_for_ce(cases):
    assert run(cells.be_year, [w for w, _, _ in cases]) == [(be, False, ce) for _, be, ce in cases]


@SETTINGS
@given(st.lists(st.one_of(st.integers(2400, 2559), st.integers(2576, 2999), st.integers(1000, 2016),
                          st.integers(2033, 2199)), min_size=1, max_size=25))
def test_years_outside_the_plausible_range_are_unreadable(years):
    assert run(cells.be_year, [str(y) for y in years]) == [(None, True, False)] * len(years)


# --- dates --------------------------------------------------------------------------------------------

TEXT_FORMS = ["slash", "slash-unpadded", "dash", "dot", "slash-be2", "iso-be", "abbr", "abbr-tight", "abbr-be2", "full",
              "full-be2"]  # fmt: skip
STORED_FORMS = ["serial", "serial-float", "cell", "cell-time", "be-cell", "be-serial"]


def write_date(d: dt.date, form: str, year: int) -> str:
    """`d` written in `form`, with `year` as the written year (BE, or CE for the FMT-02 forms)."""
    y2 = f"{year % 100:02d}"
    return {
        "slash": f"{d.day:02d}/{d.month:02d}/{year}",
        "slash-unpadded": f"{d.day}/{d.month}/{year}",
        "dash": f"{d.day:02d}-{d.month:02d}-{year}",
        "dot": f"{d.day}.{d.month}.{year}",
        "slash-be2": f"{d.day}/{d.month}/{y2}",
        "iso-be": f"{year}-{d.month:02d}-{d.day:02d}",
        "abbr": f"{d.day} {MONTHS_ABBR[d.month - 1]} {year}",
        "abbr-tight": f"{d.day}{MONTHS_ABBR[d.month - 1]}{year}",
        "abbr-be2": f"{d.day} {MONTHS_ABBR[d.month - 1]} {y2}",
        "full": f"{d.day} {MONTHS_FULL[d.month - 1]} {year}",
        "full-be2": f"{d.day} {MONTHS_FULL[d.month - 1]} {y2}",
    }[form]


def store_date(d: dt.date, form: str) -> str:
    """`d` as calamine gives a stored date: a serial number, a date cell, or a BE year typed into one."""
    be_as_ce = dt.date(d.year + 543, d.month, d.day) if form.startswith("be-") else None
    return {
        "serial": str((d - EPOCH).days),
        "serial-float": f"{(d - EPOCH).days}.0",
        "cell": f"{d.isoformat()} 00:00:00",
        "cell-time": f"{d.isoformat()} 13:45:00",
        "be-cell": f"{be_as_ce.isoformat()} 00:00:00" if be_as_ce else "",
        "be-serial": str((be_as_ce - EPOCH).days) if be_as_ce else "",
    }[form]


def not_a_be_leap_day(d: dt.date) -> bool:
    """A BE year typed into a date cell exists only if that day exists in the CE year of the same number."""
    try:
        dt.date(d.year + 543, d.month, d.day)
        return True
    except ValueError:
        return False


@st.composite
def written_date(draw) -> tuple[str, dt.date, bool]:
    d = draw(st.dates(*PLAUSIBLE))
    if draw(st.booleans()):
        form = draw(st.sampled_from(STORED_FORMS))
        if form.startswith("be-"):
            assume(not_a_be_leap_day(d))
        return store_date(d, form), d, False
    form = draw(st.sampled_from(TEXT_FORMS))
    ce = not form.endswith("be2") and form != "iso-be" and draw(st.integers(0, 4)) == 0  # CE written: FMT-02
    text = write_date(d, form, d.year if ce else d.year + 543)
    return draw(INVISIBLE) + thai_digits(draw, text) + draw(INVISIBLE), d, ce


@SETTINGS
@given(st.lists(written_date(), min_size=1, max_size=25))
def test_date_round_trips_every_written_and_stored_form(cases):
    assert run(cells.date, [w for w, _, _ in cases]) == [(d, False, ce) for _, d, ce in cases]


@SETTINGS
@given(st.lists(st.dates(*PLAUSIBLE).filter(not_a_be_leap_day), min_size=1, max_size=25))
def test_a_be_year_in_a_date_cell_is_that_be_date_not_a_far_future_one(dates):
    """`29/8/2569` typed into a date cell is stored as the year 2569: read as 29 Aug 2569 BE (2026 CE)."""
    cells_text = [store_date(d, "be-cell") for d in dates]
    serials = [store_date(d, "be-serial") for d in dates]
    written = [write_date(d, "slash", d.year + 543) for d in dates]
    got = run(cells.date, cells_text + serials + written)  # one column, as in a sheet mixing the forms
    expected = [(d, False, False) for d in dates]
    n = len(dates)
    assert got[:n] == expected, "a BE year in a date cell"
    assert got[n : 2 * n] == expected, "a BE year as a serial number"
    assert got[2 * n :] == expected, "the same day as the school wrote it"


@SETTINGS
@given(st.lists(st.dates(dt.date(1950, 1, 1), dt.date(2016, 12, 31)) | st.dates(dt.date(2033, 1, 1), dt.date(2099, 12, 31)),
                min_size=1, max_size=20))
def test_dates_outside_the_plausible_years_are_unreadable_in_every_form(dates):
    raws = [f"{d.day}/{d.month}/{d.year + 543}" for d in dates] + [f"{d.isoformat()} 00:00:00" for d in dates]
    assert run(cells.date, raws) == [(None, True, False)] * len(raws)


# --- codes --------------------------------------------------------------------------------------------


@st.composite
def stored_code(draw, width: int | None) -> tuple[str, str]:
    """A code as written: kept as text (apostrophe, spaces, zero-width, Thai digits) or stored as a
    number (leading zeros lost, `.0`, scientific notation)."""
    n = width or draw(st.integers(1, 13))
    code = draw(st.text(alphabet="0123456789", min_size=n, max_size=n))
    if width is None:
        assume(code[0] != "0" or len(code) == 1)  # without a declared width a lost zero cannot come back
    digits = code.lstrip("0") or "0"
    form = draw(st.sampled_from(["text", "apostrophe", "spaced", "number", "float", "scientific", "scientific-lower"]))
    if form == "text":
        written = code
    elif form == "apostrophe":
        written = draw(st.sampled_from(["'", "’", "`"])) + code
    elif form == "spaced":
        written = " ".join([code[: len(code) // 2], code[len(code) // 2 :]]) + "\u200b"
    elif form == "number":
        written = digits
    elif form == "float":
        written = digits + ".0"
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        written = f"{mantissa}{'E' if form == 'scientific' else 'e+'}{len(digits) - 1}"
    if form in ("text", "apostrophe", "spaced"):
        written = thai_digits(draw, written)
    return draw(INVISIBLE) + written + draw(INVISIBLE), code


@SETTINGS
@given(st.lists(stored_code(8), min_size=1, max_size=25))
def test_smis_code_round_trips_with_leading_zeros_restored(cases):
    assert run(cells.code, [w for w, _ in cases], 8) == [(c,) for _, c in cases]


@SETTINGS
@given(st.lists(stored_code(None), min_size=1, max_size=25))
def test_code_without_width_round_trips(cases):
    assert run(cells.code, [w for w, _ in cases], None) == [(c,) for _, c in cases]


@SETTINGS
@given(st.lists(st.text(max_size=15), min_size=1, max_size=25))
def test_code_cleaning_is_idempotent(raws):
    once = [v for (v,) in run(cells.code, raws, 10)]
    assert [v for (v,) in run(cells.code, once, 10)] == once


OFFSETS = st.sampled_from(["+07:00", "+0700", "+00:00", "-05:00", "+05:45", "+14:00", "-09:30", "Z", "+7:00", "+07:0"])


@st.composite
def platform_timestamps(draw) -> str:
    """A timestamp as a platform export writes it: the forms the fast reader takes (ISO, day-first, ISO
    with an offset), CE or BE years, and near-misses it must leave to the general reader."""
    when = draw(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 12, 31)))
    year = when.year + (543 if draw(st.booleans()) else 0)
    form = draw(st.sampled_from(["iso", "day-first", "zoned", "minutes", "junk"]))
    if form == "iso":
        return f"{year}-{when:%m-%d %H:%M:%S}"
    if form == "day-first":
        return f"{when:%d/%m}/{year} {when:%H:%M:%S}"
    if form == "zoned":
        return f"{year}-{when:%m-%dT%H:%M:%S}{draw(OFFSETS)}"
    if form == "minutes":
        return f"{when:%d/%m}/{year} {when:%H:%M}"
    return draw(st.sampled_from([f"{year}-{when:%m-%d}T25:00:00+07:00", f"{year}-{when:%m-%d %H:%M:%S}x", "ไม่ทราบ"]))


@SETTINGS
@given(st.lists(st.one_of(st.none(), platform_timestamps()), min_size=1, max_size=80))
def test_fast_datetime_reader_agrees_with_the_general_one(raws):
    """Whatever the strict formats read (in whichever order a column's sample picks them) is what the general
    reader gives for that cell, value and CE warning; they read no cell the general reader refuses."""
    s = pl.Series("raw", raws, dtype=pl.String)
    fast, fast_warned = cells._fast_datetimes(s)
    general = cells._datetime_parts_any(s).struct.unnest()
    read = fast.is_not_null()
    assert fast.filter(read).to_list() == general.get_column("value").filter(read).to_list()
    assert fast_warned.filter(read).to_list() == general.get_column("warned").filter(read).to_list()
    both = cells._datetime_parts(s).struct.unnest()
    assert both.get_column("value").to_list() == general.get_column("value").to_list()
