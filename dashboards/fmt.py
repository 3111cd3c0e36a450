"""Number and date formatting the way a Thai office writes them: 1,250 · 12,500 บาท · 24 พ.ย. 2569 09:15 น.

Pure functions (no Streamlit), so tests can compare a page's text with the same formatting of a
value computed straight from the warehouse.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dashboards.labels import BAHT, MONTHS_ABBR, TIME_SUFFIX
from pipelines.config import TIMEZONE
from pipelines.parsing.cells import BE_OFFSET


def _bangkok():
    """Asia/Bangkok; a fixed UTC+7 if the system has no tz database (Thailand has no DST)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(TIMEZONE)
    except Exception:  # pragma: no cover - minimal containers without tzdata
        return timezone(timedelta(hours=7))


def number(value: float | int | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def baht(value: float | int | None) -> str:
    return "–" if value is None else f"{value:,.0f} {BAHT}"


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}%"


def decimal(value: float | None, digits: int = 1) -> str:
    """A mean such as hours per week or a 1–5 score: `6.9`, `3.78`; "–" for None."""
    return "–" if value is None else f"{value:,.{digits}f}"


def thai_datetime(value: datetime | None) -> str:
    """`24 พ.ย. 2569 09:15 น.` in Bangkok time; naive datetimes are taken as UTC."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(_bangkok())
    return f"{local.day} {MONTHS_ABBR[local.month - 1]} {local.year + BE_OFFSET} {local:%H:%M} {TIME_SUFFIX}"


def change(now: float | None, before: float | None, digits: int = 0, unit: str = "") -> str | int | None:
    """A metric delta: `+1,250 บาท`, `-2.5 จุด`; the number 0 when nothing changed (Streamlit shows it
    grey, without an arrow); None when either value is unknown (no delta shown)."""
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    if round(diff, digits) == 0:
        return 0
    text = f"{diff:+,.{digits}f}"
    return f"{text} {unit}".strip()
