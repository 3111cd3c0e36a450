"""OBEC export (ส่งออกข้อมูลให้ สพฐ., contract section 4): one survey, one period, one version.

The export is cut from the immutable Parquet snapshot of a published version, never from the live
DuckDB file, so the manifest's `warehouse.version` is enough to re-cut the same rows later. The CSV
and XLSX depend only on that snapshot (no clock, no paths): re-running gives byte-identical files, and
their checksums in the manifest prove what was sent. Only `exported_at` in the manifest changes.

Values are written the way a Thai office reads them: BE dates `dd/mm/yyyy`, BE years, ใช่/ไม่ใช่,
the Thai label of coded items, Thai headers from the contract. Personal columns never leave.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import xlsxwriter

from pipelines.config import TIMEZONE, Home
from pipelines.outcomes import CURRENT
from pipelines.parsing.cells import BE_OFFSET
from warehouse.contracts import Contract, contracts, lists
from warehouse.publish import current_version, read_snapshot, sha256_file

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name


class ExportError(Exception):
    """An export that cannot be cut; `th` and `en` are shown to staff by the CLI."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")
        self.th, self.en = th, en


def _survey(survey: str) -> Contract:
    contract = contracts().get(survey)
    if contract is None or contract.period is None:
        known = ", ".join(t for t, c in contracts().items() if c.period)
        raise ExportError(f"ไม่รู้จักแบบสำรวจ '{survey}' (มี: {known})",
                          f"unknown survey {survey!r} (known: {known})")
    return contract


def _version_info(home: Home, version: str | None) -> dict:
    """The snapshot's own manifest: version, published_at, run_id (written by `publish`)."""
    version = version or current_version(home)
    if version is None:
        raise ExportError(
            f"ยังไม่มีคลังข้อมูลที่เผยแพร่ที่ {home.warehouse} — รัน `khlang ingest` ก่อน",
            f"nothing published under {home.warehouse}: run `khlang ingest` first",
        )
    path = home.versions / version / "manifest.json"
    if not path.exists():
        raise ExportError(f"ไม่พบคลังข้อมูลรุ่น {version}", f"warehouse version {version} does not exist")
    return json.loads(path.read_text(encoding="utf-8"))


def formatted(rows: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Public columns in contract order, as Thai readers expect them, under their Thai headers."""
    exprs = []
    for col in contract.public_columns:
        c = pl.col(col.name)
        if col.type == "date":
            c = pl.format("{}/{}", c.dt.strftime("%d/%m"), c.dt.year() + BE_OFFSET)
        elif col.type == "bool":
            c = pl.when(c).then(pl.lit("ใช่")).when(c.not_()).then(pl.lit("ไม่ใช่"))
        elif col.type == "enum" and col.list:
            labels = {i.key: i.th for i in lists()[col.list]}
            c = c.replace_strict(labels, default=c, return_dtype=pl.String)
        exprs.append(c.alias(col.header_th))
    return rows.select(exprs)


def sheet_name(title: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ — cut at a word break, never inside a Thai cluster."""
    name = _SHEET_FORBIDDEN.sub("-", title).strip("' ")
    if len(name) <= 31:
        return name
    head = name[:31]
    brk = max(head.rfind(" "), head.rfind("-"))
    if brk >= 16:
        return head[:brk].strip()
    cut = 31
    while cut > 0 and unicodedata.category(name[cut]) in ("Mn", "Mc"):  # a mark belongs to the char before
        cut -= 1
    return name[:cut]


def _width(text: str) -> int:  # Thai vowel and tone marks sit above/below their consonant: no width
    return sum(unicodedata.category(ch) not in ("Mn", "Me", "Cf") for ch in text)


def _write_xlsx(path: Path, table: pl.DataFrame, sheet: str, title: str, created: datetime) -> None:
    # in_memory: zip entries get xlsxwriter's fixed 1980-01-01 timestamp instead of temp files' mtimes;
    # `created` (also used as modified) replaces the current time in docProps/core.xml.
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    try:
        wb.set_properties({"title": title, "created": created})
        ws = wb.add_worksheet(sheet)
        header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for j, name in enumerate(table.columns):
            ws.write_string(0, j, name, header)
            values = [_width(str(v)) for v in table[name].drop_nulls()]
            ws.set_column(j, j, min(max([*values, min(_width(name), 20)]) + 2, 50))
        for i, row in enumerate(table.iter_rows(), start=1):
            for j, v in enumerate(row):
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                elif v is not None:
                    ws.write_string(i, j, str(v))
        ws.freeze_panes(1, 0)
    finally:
        wb.close()


def _sources(exported: pl.DataFrame, quarantined: pl.DataFrame, superseded: pl.DataFrame,
             accounting: pl.DataFrame) -> list[dict]:
    """Every submission with a row in this survey and period, and where each of its rows ended up."""
    parts = {"rows_exported": exported, "rows_quarantined": quarantined, "rows_superseded": superseded}
    files = pl.concat([d.select(pl.col("source_file").cast(pl.String)) for d in parts.values()]).unique()
    known = accounting.select("source_file", "sha256", "arrival_seq").unique()
    out = files.join(known, on="source_file", how="left")
    for name, df in parts.items():
        counts = df.group_by("source_file").agg(pl.len().cast(pl.Int64).alias(name))
        out = out.join(counts, on="source_file", how="left").with_columns(pl.col(name).fill_null(0))
    return out.sort("arrival_seq", "source_file", nulls_last=True).to_dicts()


def export_obec(home: Home, survey: str, period: int, out_dir: Path, version: str | None = None) -> dict:
    """Write `<survey>_<period>.csv`, `.xlsx` and `manifest.json` into `out_dir`; return the manifest."""
    contract = _survey(survey)
    info = _version_info(home, version)
    version, pcol = info["version"], contract.period

    def snap(table: str) -> pl.DataFrame:
        return read_snapshot(home, table, version)

    period = int(period)  # the CLI may pass "2569"
    rows = snap(survey).filter(pl.col(pcol) == period, pl.col("outcome").is_in(CURRENT))
    rows = rows.sort(list(contract.key), maintain_order=True)
    if rows.is_empty():
        raise ExportError(
            f"ไม่มีข้อมูลที่ผ่านการตรวจสอบของ {contract.th} ปี {period} ในคลังข้อมูลรุ่น {version}",
            f"no validated {survey} rows for period {period} in warehouse version {version}",
        )
    quarantined = snap("quarantine").filter(pl.col("table_name") == survey, pl.col("period") == period)
    superseded = snap(f"{survey}_history").filter(pl.col(pcol) == period, pl.col("outcome") == "superseded")
    rules = (
        snap("rule_results")
        .filter(pl.col("table_name") == survey, pl.col("period") == period)
        .select("rule_id", "severity", "rule_th", "rule_en", "rows_checked", "rows_failed")
        .sort("rule_id")
    )
    accounting = snap("file_accounting").filter(pl.col("table_name") == survey)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = formatted(rows, contract)
    csv_path, xlsx_path = out_dir / f"{survey}_{period}.csv", out_dir / f"{survey}_{period}.xlsx"
    table.write_csv(csv_path, include_bom=True, line_terminator="\r\n")  # BOM: Excel then reads UTF-8 Thai
    sheet = sheet_name(contract.th)
    created = datetime.fromisoformat(info["published_at"]).astimezone(timezone.utc).replace(tzinfo=None)
    _write_xlsx(xlsx_path, table, sheet, contract.th, created)

    flagged = rows.filter(pl.col("outcome") == "flagged").height
    manifest = {
        "survey": survey,
        "survey_th": contract.th,
        "survey_en": contract.en,
        "period_column": pcol,
        "period": period,
        "warehouse": {"version": version, "published_at": info["published_at"], "run_id": info.get("run_id")},
        "rows": {
            "exported": rows.height,
            "valid": rows.height - flagged,
            "flagged": flagged,
            "quarantined": quarantined.height,
            "superseded": superseded.height,
        },
        "rules": rules.to_dicts(),
        "sources": _sources(rows, quarantined, superseded, accounting),
        "files": [
            {"name": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size, **extra}
            for p, extra in ((csv_path, {"encoding": "utf-8-sig"}), (xlsx_path, {"sheet": sheet}))
        ],
        "columns": [{"name": c.name, "header_th": c.header_th} for c in contract.public_columns],
        "personal_columns_excluded": list(contract.personal),
        "approval": None,  # filled by the director's sign-off (contract section 4) before release
        "exported_at": datetime.now(ZoneInfo(TIMEZONE)).isoformat(timespec="seconds"),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return manifest
