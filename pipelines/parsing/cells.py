"""Cell values as schools really write them (contract section 1), parsed with Polars expressions.

Every parser takes a string expression (raw cell text) and returns a `Parsed`: the typed value, a
boolean "could not read" (FMT-01: text present but unreadable, or outside the plausible range) and a
boolean "CE year converted" (FMT-02). Blank stays null: blank means unknown, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]
THAI_DIGITS = list("๐๑๒๓๔๕๖๗๘๙")
ARABIC_DIGITS = list("0123456789")
THAI_MONTHS = {
    # abbreviation and full name -> month number
    "ม.ค.": 1, "มกราคม": 1, "ก.พ.": 2, "กุมภาพันธ์": 2, "มี.ค.": 3, "มีนาคม": 3,
    "เม.ย.": 4, "เมษายน": 4, "พ.ค.": 5, "พฤษภาคม": 5, "มิ.ย.": 6, "มิถุนายน": 6,
    "ก.ค.": 7, "กรกฎาคม": 7, "ส.ค.": 8, "สิงหาคม": 8, "ก.ย.": 9, "กันยายน": 9,
    "ต.ค.": 10, "ตุลาคม": 10, "พ.ย.": 11, "พฤศจิกายน": 11, "ธ.ค.": 12, "ธันวาคม": 12,
}  # fmt: skip
PLAUSIBLE_BE_YEARS = (2560, 2575)
BE_OFFSET = 543
EXCEL_EPOCH = "1899-12-30"
EXCEL_SERIAL_RANGE = (36526, 2958465)  # 2000-01-01 .. 9999-12-31 (plausibility decides after BE is read)
BE_CELL_MIN = 2400  # a stored date year from here on is a BE year typed into a date cell
TRUE_WORDS = ["ใช่", "มี", "ใช้", "✓", "✔", "/", "y", "yes", "true", "1", "x"]
FALSE_WORDS = ["ไม่ใช่", "ไม่มี", "ไม่ใช้", "n", "no", "false", "0", "-", "✗"]


@dataclass(frozen=True)
class Parsed:
    value: pl.Expr
    unreadable: pl.Expr  # FMT-01: always `unreadable(text(raw), value)` when `checked`
    ce_year: pl.Expr  # FMT-02
    checked: bool = True  # False: every text is a value (codes, free text), never unreadable
    warns: bool = False  # True: the parser may convert a CE year (FMT-02)


def unreadable(written: pl.Expr, value: pl.Expr) -> pl.Expr:
    """FMT-01: something was written (after `text` cleaning) but no value could be read from it.

    One definition for every parser; `pipelines.casting` applies it to materialized columns."""
    return written.is_not_null() & value.is_null()


def never(value: pl.Expr) -> Parsed:
    """A value that is its own text (codes, names, phones, coded lists): never unreadable, never CE."""
    return Parsed(value, pl.lit(False), pl.lit(False), checked=False)


def text(raw: pl.Expr) -> pl.Expr:
    """Strip zero-width and no-break spaces, collapse whitespace; empty becomes null."""
    return (
        raw.cast(pl.String)
        .str.replace_many(ZERO_WIDTH, [""] * len(ZERO_WIDTH))
        # every run of white space (no-break included) to one space; written to match only where that
        # changes something (a run of two or more, or one that is not a plain space): 2x faster on a
        # column whose cells each hold one plain space, such as a million timestamps
        .str.replace_all(r"\s{2,}|[\s&&[^ ]]", " ")
        .str.strip_chars()
        .replace("", None)  # one chain: eager Polars evaluates a repeated sub-expression once per use
    )


def digits(raw: pl.Expr) -> pl.Expr:
    """Thai digits to Arabic digits, after `text` cleaning."""
    return text(raw).str.replace_many(THAI_DIGITS, ARABIC_DIGITS)


def _numeric_storage(s: pl.Expr) -> pl.Expr:
    """A code stored as a number comes back as `1034560001.0` or `1.034560001E9`."""
    as_float = s.cast(pl.Float64, strict=False)
    sci = s.str.contains(r"^\d(\.\d+)?[eE]\+?\d+$")
    return (
        pl.when(sci & as_float.is_not_null())
        .then(as_float.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(s.str.replace(r"^(\d+)\.0+$", "${1}"))
    )


def code(raw: pl.Expr, width: int | None) -> pl.Expr:
    """School/SMIS codes: no spaces, no leading apostrophe, Arabic digits, leading zeros restored."""
    s = digits(raw).str.replace_all(r"\s", "").str.strip_chars_start("'’`")
    s = _numeric_storage(s)
    if width:
        s = pl.when(s.str.contains(r"^\d+$") & (s.str.len_chars() < width)).then(s.str.zfill(width)).otherwise(s)
    return pl.when(s == "").then(None).otherwise(s)


def phone(raw: pl.Expr) -> pl.Expr:
    """Phone numbers keep their leading 0 even when stored as numbers."""
    s = _numeric_storage(digits(raw)).str.replace_all(r"[^\d+]", "")
    s = pl.when(s.str.contains(r"^[1-9]\d{7,8}$")).then("0" + s).otherwise(s)
    return pl.when(s == "").then(None).otherwise(s)


def _number_text(raw: pl.Expr) -> pl.Expr:
    """`1,250` `20 Mbps` `๑๒` `-` -> a plain numeric string; `-` alone means zero."""
    return (
        digits(raw)
        .str.replace(r"^[-–—]$", "0")
        .str.replace_all(",", "")
        .str.extract(r"^([+-]?\d+(?:\.\d+)?)\s*[^\d]*$", 1)
    )


def number(raw: pl.Expr) -> Parsed:
    value = _number_text(raw).cast(pl.Float64, strict=False)
    return Parsed(value, unreadable(text(raw), value), pl.lit(False))


def integer(raw: pl.Expr) -> Parsed:
    """A whole number: `12`, `12.0` (numeric storage), `1,250`, `๑๒`, `-`; `2.5` is unreadable."""
    value = _number_text(raw).str.strip_prefix("+").str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    return Parsed(value, unreadable(text(raw), value), pl.lit(False))


def _be_year(y: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """A written year to BE: 2-digit means 25xx, 1900-2199 is CE (converted, warned), else BE."""
    ce = y.is_between(1900, 2199)
    be = pl.when(y < 100).then(y + 2500).when(ce).then(y + BE_OFFSET).otherwise(y)
    return be, ce.fill_null(False)


BE_PREFIX = r"^(?:พ\.\s*ศ\.?|ปีงบประมาณ|ปี)\s*"


def be_year(raw: pl.Expr) -> Parsed:
    """A year as written: `2569`, `๒๕๖๙`, `69`, `พ.ศ. 2569`; a CE year is converted and warned.

    Read with one regex rather than through `integer` (same forms: separators, `.0` storage, a trailing
    word): nesting `integer` inside the year logic made Polars plan a ~10x larger expression."""
    s = digits(raw)
    n = (
        s.str.replace(BE_PREFIX, "")
        .str.replace_all(",", "")
        .str.extract(r"^\+?(\d+)(?:\.0+)?\s*[^\d]*$", 1)
        .cast(pl.Int64, strict=False)
    )
    be, ce = _be_year(n)
    plausible = be.is_between(*PLAUSIBLE_BE_YEARS)
    value = pl.when(plausible).then(be).otherwise(None).cast(pl.Int32)
    return Parsed(value, unreadable(s, value), ce & plausible.fill_null(False), warns=True)


def _month_number(name: pl.Expr) -> pl.Expr:
    key = name.str.replace_all(r"\s", "")
    return key.replace_strict(THAI_MONTHS, default=None, return_dtype=pl.Int32)


def _to_date(y_ce: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """A CE (year, month, day) to a date; a day that does not exist (31/02, 29/02/2568) is null."""
    return pl.format(
        "{}-{}-{}", y_ce.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2), d.cast(pl.String).str.zfill(2)
    ).str.to_date("%Y-%m-%d", strict=False)


DATE_PARTS = pl.Struct({"value": pl.Date, "warned": pl.Boolean})


def date(raw: pl.Expr, plausible: bool = True, warn_ce: bool = True) -> Parsed:
    """Excel serials and date cells, dd/mm/yyyy (day first), yyyy-mm-dd, `15 ม.ค. 2569`, `15 มกราคม 69`.

    Years may be BE (the norm), 2-digit BE, or CE: a CE year in text is converted and warned (FMT-02);
    a real Excel date cell (calamine gives `YYYY-MM-DD HH:MM:SS`) is a true date and is not warned.
    A date cell (or a serial number) whose year is BE_CELL_MIN or later holds a BE year typed into a
    date-formatted cell (`29/8/2569` stored as the year 2569): it is read as that BE date, not warned.
    """
    parts = raw.map_batches(lambda s: _date_parts(s, plausible), return_dtype=DATE_PARTS)
    value = parts.struct.field("value")
    warned = parts.struct.field("warned") if warn_ce else pl.lit(False)
    return Parsed(value, unreadable(text(raw), value), warned, warns=warn_ce)


DATETIME_PARTS = pl.Struct({"value": pl.Datetime("us"), "warned": pl.Boolean})
_TIME = r"(?<H>\d{1,2})[:.](?<M>\d{2})(?:[:.](?<S>\d{2})(?:\.(?<f>\d{1,6})\d*)?)?\s*(?<tz>Z|[+-]\d{2}:?\d{2})?"
LOCAL_TZ = "Asia/Bangkok"


def datetime_(raw: pl.Expr, warn_ce: bool = False) -> Parsed:
    """A date and time as platforms export them: `2026-01-15 08:30:12`, `2026-01-15T08:30:12+07:00`,
    `15/01/2569 08:30`, Excel serials with a fraction, or a date alone (midnight). The date part is read
    as `date` is (BE or CE, warned), without the plausible-year limit: a rule judges the range. A time
    with an offset is converted to Thai time; the value is Thai local time without a zone. Machine
    exports write CE (ISO 8601) by design, so a CE year is warned (FMT-02) only with `warn_ce`."""
    parts = raw.map_batches(_datetime_parts, return_dtype=DATETIME_PARTS)
    value = parts.struct.field("value")
    return Parsed(value, unreadable(text(raw), value), parts.struct.field("warned") if warn_ce else pl.lit(False), warns=warn_ce)


# The forms platform exports write, read with one strict format each before any row needs the general
# reader: (format, where a UTC offset such as `+07:00` starts, or None). The year is BE when >= BE_CELL_MIN.
FAST_DATETIME_FORMS = (
    ("%Y-%m-%d %H:%M:%S", None),
    ("%d/%m/%Y %H:%M:%S", None),
    ("%Y-%m-%dT%H:%M:%S", 19),
)
_OFFSET = r"^(?<sign>[+-])(?<h>\d{2}):?(?<m>\d{2})$"
_FORM_SAMPLE = 64  # cells read first in each form, to try the forms in the order a file mostly uses


def _read_form(s: pl.Series, fmt: str, offset_at: int | None) -> pl.Series:
    """The cells written exactly in `fmt` (then an offset, when `offset_at`), as Thai local time; null
    elsewhere. The offset is read apart from the time (chrono's `%z` costs five times a plain format)."""
    if offset_at is None:
        return s.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
    f = pl.DataFrame({"s": s}).select(
        t=pl.col("s").str.slice(0, offset_at).str.to_datetime(fmt, strict=False, time_unit="us", cache=False),
        o=pl.col("s").str.slice(offset_at).str.extract_groups(_OFFSET),
    )
    o = pl.col("o").struct
    minutes = (o["h"].cast(pl.Int64) * 60 + o["m"].cast(pl.Int64)) * pl.when(o["sign"] == "-").then(-1).otherwise(1)
    utc = pl.col("t") - pl.duration(minutes=minutes)  # null when the offset is not one
    return f.select(utc.dt.replace_time_zone("UTC").dt.convert_time_zone(LOCAL_TZ).dt.replace_time_zone(None)).to_series()


def _fast_datetimes(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(value, CE-year warned) for the rows one of FAST_DATETIME_FORMS reads; nulls elsewhere. The forms
    are tried in the order a sample of the cells favours, each on the rows the forms before it left (a
    file is mostly in one form); BE years are shifted only on the rows that have them."""
    value = pl.Series(s.name, [None] * s.len(), dtype=pl.Datetime("us"))
    warned = pl.Series(s.name, [False] * s.len(), dtype=pl.Boolean)
    todo = s.is_not_null().arg_true()
    sample = s.gather(todo.head(_FORM_SAMPLE))
    forms = sorted(FAST_DATETIME_FORMS, key=lambda form: -_read_form(sample, *form).is_not_null().sum())
    for fmt, offset_at in forms:
        if not todo.len():
            break
        got = _read_form(s.gather(todo), fmt, offset_at)
        read = got.is_not_null()
        got, rows = got.filter(read), todo.filter(read)
        be = got.dt.year() >= BE_CELL_MIN
        if be.any():
            got = pl.select(pl.when(be).then(got.dt.offset_by(f"-{BE_OFFSET}y")).otherwise(got)).to_series()
        value, warned = value.scatter(rows, got), warned.scatter(rows, ~be)
        todo = todo.filter(~read)
    return value, warned


def _datetime_parts(written: pl.Series) -> pl.Series:
    """Most rows of a platform export are in one of a few exact forms: those are read with strict
    formats, and only the rest with every form `datetime_` accepts."""
    s = written.cast(pl.String)
    fast, fast_warned = _fast_datetimes(s)
    rest = fast.is_null() & s.is_not_null()
    if not rest.any():
        return pl.select(pl.struct(value=fast, warned=fast_warned).alias(written.name)).to_series()
    slow = _datetime_parts_any(s.filter(rest)).struct.unnest()
    index = pl.int_range(0, s.len(), eager=True).filter(rest)
    value = fast.scatter(index, slow.get_column("value"))
    warned = fast_warned.scatter(index, slow.get_column("warned"))
    return pl.select(pl.struct(value=value, warned=warned).alias(written.name)).to_series()


def _datetime_parts_any(written: pl.Series) -> pl.Series:
    f = pl.DataFrame({"s": written.cast(pl.String)}).select(s=digits(pl.col("s")))
    f = f.with_columns(
        iso=pl.col("s").str.extract_groups(r"^(?<d>\d{4}-\d{1,2}-\d{1,2})[T ]" + _TIME + "$"),
        other=pl.col("s").str.extract_groups(r"^(?<d>.+?)\s+" + _TIME + "$"),
        serial=pl.col("s").str.extract(r"^(\d{5,7}\.\d+)$", 1).cast(pl.Float64, strict=False),
    )
    t = pl.when(pl.col("iso").struct["d"].is_not_null()).then(pl.col("iso")).otherwise(pl.col("other"))
    f = f.with_columns(
        day_text=pl.when(pl.col("iso").struct["d"].is_not_null()).then(pl.col("iso").struct["d"])
        .when(pl.col("other").struct["d"].is_not_null()).then(pl.col("other").struct["d"])
        .when(pl.col("serial").is_not_null()).then(pl.col("serial").floor().cast(pl.Int64).cast(pl.String))
        .otherwise(pl.col("s")),
        h=t.struct["H"].cast(pl.Int64, strict=False), mi=t.struct["M"].cast(pl.Int64, strict=False),
        sec=t.struct["S"].cast(pl.Int64, strict=False).fill_null(0),
        us=t.struct["f"].str.pad_end(6, "0").cast(pl.Int64, strict=False).fill_null(0),
        tz=t.struct["tz"],
        frac=(pl.col("serial") - pl.col("serial").floor()),
    )
    day = _date_parts(f.get_column("day_text"), plausible=False).struct.unnest()
    f = f.with_columns(day_value=day.get_column("value"), warned=day.get_column("warned"))
    valid_time = (pl.col("h").is_null() | (pl.col("h").is_between(0, 23) & pl.col("mi").is_between(0, 59) & pl.col("sec").is_between(0, 59)))
    clock = pl.when(pl.col("h").is_not_null()).then(
        pl.duration(hours=pl.col("h"), minutes=pl.col("mi"), seconds=pl.col("sec"), microseconds=pl.col("us"))
    ).when(pl.col("frac").is_not_null()).then(pl.duration(microseconds=(pl.col("frac") * 86_400_000_000).round().cast(pl.Int64))
    ).otherwise(pl.duration(seconds=0))
    local = pl.col("day_value").cast(pl.Datetime("us")) + clock
    offset = pl.col("tz").str.replace(":", "")
    offset_min = pl.when(pl.col("tz") == "Z").then(0).otherwise(
        offset.str.slice(0, 1).replace_strict({"+": 1, "-": -1}, default=None, return_dtype=pl.Int64)
        * (offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60 + offset.str.slice(3, 2).cast(pl.Int64, strict=False)))
    thai = pl.when(pl.col("tz").is_null()).then(local).otherwise(local - pl.duration(minutes=offset_min) + pl.duration(hours=7))
    f = f.with_columns(value=pl.when(valid_time).then(thai))
    return f.select(pl.struct(value="value", warned=pl.col("warned") & pl.col("value").is_not_null()).alias(written.name)).to_series()


def _date_parts(written: pl.Series, plausible: bool = True) -> pl.Series:
    """`date` over a column, in stages over materialized columns (each regex and each candidate date
    evaluated once, where one expression would repeat them for every use): struct of value, warned."""
    f = pl.DataFrame({"s": written.cast(pl.String)}).select(s=digits(pl.col("s")))
    f = f.with_columns(
        cell=pl.col("s").str.extract_groups(r"^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2}) \d{2}:\d{2}:\d{2}(?:\.\d+)?$"),
        serial=pl.col("s").str.extract(r"^(\d{5,7})(?:\.\d+)?$", 1).cast(pl.Int64, strict=False),
        dmy=pl.col("s").str.extract_groups(r"^(?<d>\d{1,2})\s*[/.\-]\s*(?<m>\d{1,2})\s*[/.\-]\s*(?<y>\d{2,4})$"),
        ymd=pl.col("s").str.extract_groups(r"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$"),
        thai=pl.col("s").str.extract_groups(r"^(?<d>\d{1,2})\s*(?<mn>[ก-๛.]+(?:\s*[ก-๛.]+)*?)\s*(?<y>\d{2,4})$"),
    )
    serial_ok = pl.col("serial").is_between(*EXCEL_SERIAL_RANGE)
    f = f.with_columns(
        serial_date=pl.lit(EXCEL_EPOCH).str.to_date() + pl.duration(days=pl.when(serial_ok).then(pl.col("serial"))),
        stored=pl.col("cell").struct["y"].is_not_null() | serial_ok.fill_null(False),
        # A date written as text.
        d=pl.coalesce(pl.col("dmy").struct["d"], pl.col("ymd").struct["d"], pl.col("thai").struct["d"]).cast(pl.Int32, strict=False),
        m=pl.coalesce(
            pl.col("dmy").struct["m"].cast(pl.Int32, strict=False),
            pl.col("ymd").struct["m"].cast(pl.Int32, strict=False),
            _month_number(pl.col("thai").struct["mn"]),
        ),
        y_written=pl.coalesce(pl.col("dmy").struct["y"], pl.col("ymd").struct["y"], pl.col("thai").struct["y"])
        .cast(pl.Int32, strict=False),
    )
    y_be, ce = _be_year(pl.col("y_written"))
    # A stored date (date cell or serial): its year as stored, month and day.
    f = f.with_columns(
        stored_y=pl.coalesce(pl.col("cell").struct["y"].cast(pl.Int32, strict=False), pl.col("serial_date").dt.year().cast(pl.Int32)),
        stored_m=pl.coalesce(pl.col("cell").struct["m"].cast(pl.Int32, strict=False), pl.col("serial_date").dt.month().cast(pl.Int32)),
        stored_d=pl.coalesce(pl.col("cell").struct["d"].cast(pl.Int32, strict=False), pl.col("serial_date").dt.day().cast(pl.Int32)),
        y_be=y_be,
        ce=ce.fill_null(False),
    )
    stored_ce = pl.when(pl.col("stored_y") >= BE_CELL_MIN).then(pl.col("stored_y") - BE_OFFSET).otherwise(pl.col("stored_y"))
    f = f.with_columns(
        value=pl.when(pl.col("stored"))
        .then(_to_date(stored_ce, pl.col("stored_m"), pl.col("stored_d")))
        .otherwise(_to_date(pl.col("y_be") - BE_OFFSET, pl.col("m"), pl.col("d")))
    )
    if plausible:
        in_range = (pl.col("value").dt.year() + BE_OFFSET).is_between(*PLAUSIBLE_BE_YEARS)
        f = f.with_columns(value=pl.when(in_range).then(pl.col("value")))
    warned = pl.col("stored").not_() & pl.col("ce") & pl.col("value").is_not_null()
    return f.select(pl.struct(value="value", warned=warned).alias(written.name)).to_series()


def boolean(raw: pl.Expr, blank: bool | None = None) -> Parsed:
    """Yes/no words, ticks (✓, `/`) and crosses. `blank`: what an empty cell means in a tick column
    (✓ or nothing: False); otherwise blank is unknown."""
    s = text(raw).str.to_lowercase()
    value = pl.when(s.is_in(TRUE_WORDS)).then(True).when(s.is_in(FALSE_WORDS)).then(False)
    value = value.when(s.is_null()).then(blank) if blank is not None else value
    value = value.otherwise(None)
    return Parsed(value, unreadable(s, value), pl.lit(False))
