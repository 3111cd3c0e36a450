"""`export_obec`: one survey, one period, one verified published version -> CSV + XLSX + manifest."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.config import TIMEZONE, Home
from pipelines.calendar import fiscal_year_expr
from pipelines.outcomes import CURRENT
from warehouse.contracts import Contract, contracts
from warehouse.export.cells import (
    FORMULA_RULE_EN,
    FORMULA_RULE_TH,
    formatted,
    neutralised,
    sheet_name,
)
from warehouse.export.errors import ExportError
from warehouse.export.files import write_csv, write_xlsx
from warehouse.export.folder import MANIFEST, check_target, write_folder
from pipelines.durable import sha256_file
from warehouse.pii_scan import PersonalDataFound, known_names, refuse, scan_folder
from warehouse.publish import NotPublished, VersionRefused, altered, verified_version


def _survey(survey: str) -> Contract:
    contract = contracts().get(survey)
    if contract is None or contract.period is None:
        known = ", ".join(t for t, c in contracts().items() if c.period)
        raise ExportError(f"ไม่รู้จักแบบสำรวจ '{survey}' (มี: {known})",
                          f"unknown survey {survey!r} (known: {known})")
    return contract


class _Version:
    """A published version, checked by `verified_version`; each table is read once, from bytes whose
    sha256 is checked again against the verified manifest (nothing can change between check and read)."""

    def __init__(self, home: Home, version: str | None):
        try:
            self.manifest = verified_version(home, version)
        except (VersionRefused, NotPublished) as e:
            raise ExportError(e.th, e.en) from None
        self.name = self.manifest["version"]
        self.folder = home.versions / self.name
        self.read_tables: dict[str, str] = {}

    def table(self, name: str) -> pl.DataFrame:
        entry = self.manifest["tables"].get(name)
        if entry is None:
            raise ExportError(f"คลังข้อมูลรุ่น {self.name} ไม่มีตาราง {name}",
                              f"warehouse version {self.name} has no table {name!r}")
        data = (self.folder / f"{name}.parquet").read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            refused = altered(self.name, f"{name}.parquet")
            raise ExportError(refused.th, refused.en)
        self.read_tables[name] = entry["sha256"]
        return pl.read_parquet(io.BytesIO(data))


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


def _period(rows: pl.DataFrame, column: str) -> pl.Expr:
    """A row's period: its period column's value, or the BE fiscal year of a date column."""
    return fiscal_year_expr(pl.col(column)) if rows.schema[column].is_temporal() else pl.col(column)


def _sources_by_period(by_period: pl.DataFrame, accounting: pl.DataFrame) -> list[dict]:
    """Every submission with rows in the period (from the accounting), for an export of aggregates."""
    known = accounting.select("source_file", "sha256").unique()
    return (
        by_period.filter(pl.col("rows_in") > 0)
        .join(known, on="source_file", how="left")
        .select("source_file", "sha256", "arrival_seq",
                (pl.col("valid") + pl.col("flagged")).alias("rows_aggregated"),
                pl.col("quarantined").alias("rows_quarantined"), pl.col("superseded").alias("rows_superseded"))
        .sort("arrival_seq", "source_file", nulls_last=True)
        .to_dicts()
    )


def _coverage(snap: _Version, survey: str, period: int) -> list[dict]:
    """The survey's submission coverage in the period (its COV rules), from the version's `coverage` mart;
    empty when the survey has no coverage rule or the version no such mart."""
    if "coverage" not in snap.manifest["tables"]:
        return []
    cov = snap.table("coverage").filter(pl.col("survey") == survey, pl.col("period") == period)
    return cov.drop("survey", "survey_th", "period", "office_code", strict=False).sort(pl.all()).to_dicts()


def manifest_bytes(manifest: dict) -> bytes:
    """manifest.json's bytes: UTF-8 JSON with Thai as written, indented. Its sha256 is what the director's
    approval names (warehouse/export/signoff.py)."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_obec(home: Home, survey: str, period: int, out_dir: Path, version: str | None = None,
                ready: Callable[[Path, dict], None] | None = None) -> dict:
    """Write `<survey>_<period>.csv`, `.xlsx` and `manifest.json` into `out_dir`; return the manifest.

    `version` is a published version's name (default: the current one); it is refused unless it is in
    the publish ledger and every file of it still has its published sha256. `out_dir` is replaced as a
    whole (see `folder`); the manifest's `replaced` says what it held before. `ready(out_dir, manifest)`
    is called once the files are written and scanned, before they replace `out_dir`: if it raises,
    `out_dir` stays as it was (the sign-off records the export in the audit log there).
    """
    contract = _survey(survey)
    snap = _Version(home, version)
    out_dir, previous = check_target(home, Path(out_dir))
    version = snap.name
    period = int(period)  # the CLI may pass "2569"
    spec = contract.export
    # What is cut: the table's validated rows, or for a table that publishes only aggregates (platform
    # events) the mart its contract names, with that mart's own columns and Thai headers.
    shape = replace(contract, columns=spec.columns, key=spec.key, personal=(), pseudonymise=()) if spec else contract
    pcol = spec.period if spec else contract.period
    table = snap.table(spec.table if spec else survey)
    in_period = _period(table, pcol) == period
    rows = table.filter(in_period if spec else in_period & pl.col("outcome").is_in(CURRENT))
    rows = rows.sort(list(shape.key), maintain_order=True, nulls_last=False)
    if rows.is_empty():
        raise ExportError(
            f"ไม่มีข้อมูลที่ผ่านการตรวจสอบของ {contract.th} ปี {period} ในคลังข้อมูลรุ่น {version}",
            f"no validated {survey} rows for period {period} in warehouse version {version}",
        )
    quarantined = snap.table("quarantine").filter(pl.col("table_name") == survey, pl.col("period") == period)
    rules = (
        snap.table("rule_results")
        .filter(pl.col("table_name") == survey, pl.col("period") == period)
        .select("rule_id", "severity", "rule_th", "rule_en", "rows_checked", "rows_failed")
        .sort("rule_id")
    )
    accounting = snap.table("file_accounting").filter(pl.col("table_name") == survey)
    if spec:
        by_period = snap.table("file_accounting_by_period").filter(pl.col("table_name") == survey, pl.col("period") == period)
        sources = _sources_by_period(by_period, accounting)
        counts = {k: int(by_period.get_column(k).sum() or 0) for k in ("valid", "flagged", "quarantined", "superseded")}
        row_counts = {"exported": rows.height, "aggregated_from": {"valid": counts["valid"], "flagged": counts["flagged"]},
                      "quarantined": counts["quarantined"], "superseded": counts["superseded"]}
    else:
        history = snap.table(f"{survey}_history")
        superseded = history.filter(_period(history, pcol) == period, pl.col("outcome") == "superseded")
        sources = _sources(rows, quarantined, superseded, accounting)
        flagged = rows.filter(pl.col("outcome") == "flagged").height
        row_counts = {"exported": rows.height, "valid": rows.height - flagged, "flagged": flagged,
                      "quarantined": quarantined.height, "superseded": superseded.height}
    contract = shape

    # One frame, built once, is what both files carry: formatted the Thai way, formula text neutralised.
    table, touched = neutralised(formatted(rows, contract))
    by_header = {c.header_th: c.name for c in contract.public_columns}
    csv_name, xlsx_name = f"{survey}_{period}.csv", f"{survey}_{period}.xlsx"
    sheet = sheet_name(contract.th)
    published_at = snap.manifest["published_at"]
    created = datetime.fromisoformat(published_at).astimezone(UTC).replace(tzinfo=None)
    manifest = {
        "survey": survey,
        "survey_th": _survey(survey).th,
        "survey_en": contract.en,
        "period_column": pcol,
        "period": period,
        "warehouse": {
            "version": version, "published_at": published_at, "run_id": snap.manifest.get("run_id"),
            "snapshot_sha256": dict(sorted(snap.read_tables.items())),  # verified before reading
        },
        "rows": row_counts,
        "rules": rules.to_dicts(),
        "coverage": _coverage(snap, survey, period),
        "sources": sources,
        "files": [],
        "columns": [{"name": c.name, "header_th": c.header_th} for c in contract.public_columns],
        "personal_columns_excluded": [n for n in _survey(survey).column_names if n in _survey(survey).hidden_columns],
        "aggregated_from": (f"{survey} → {spec.table}: counts only, no event rows, no user ids" if spec else None),
        "formula_cells_neutralised": {
            "rule_th": FORMULA_RULE_TH,
            "rule_en": FORMULA_RULE_EN,
            "cells": sum(touched.values()),
            "columns": [{"name": by_header[h], "header_th": h, "cells": n} for h, n in touched.items()],
        },
        "replaced": previous.as_dict() if previous else None,
        "approval": None,  # filled in the released copy by `khlang release` (warehouse/export/signoff.py)
        "exported_at": None,
    }

    names = known_names(home)  # PDPA: the files are scanned before they replace --out (warehouse/pii_scan.py)

    def fill(folder: Path) -> dict:
        write_csv(folder / csv_name, table)
        write_xlsx(folder / xlsx_name, table, sheet, contract.th, created)
        manifest["files"] = [
            {"name": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size, **extra}
            for p, extra in ((folder / csv_name, {"encoding": "utf-8-sig"}), (folder / xlsx_name, {"sheet": sheet}))
        ]
        manifest["exported_at"] = datetime.now(ZoneInfo(TIMEZONE)).isoformat(timespec="seconds")
        (folder / MANIFEST).write_bytes(manifest_bytes(manifest))
        try:
            refuse(scan_folder(folder, names, label=out_dir.name), f"ไม่ส่งออก {survey} ปี {period}",
                   f"{survey} {period} not exported")
        except PersonalDataFound as found:  # nothing replaces --out; the lines say where, values masked
            raise ExportError(found.th, f"{found.en}\n{found.details}") from None
        if ready is not None:
            ready(out_dir, manifest)
        return manifest

    manifest, kept = write_folder(out_dir, previous, fill)
    if kept:  # files that appeared in --out during the export: kept beside it, never deleted
        manifest = {**manifest, "replaced": {**manifest["replaced"], "kept_in": kept}}
    return manifest
