"""Validated layer: typed rows checked by the contract's GX suite, one asset per contract.

Surveys are partitioned by fiscal year; the register is not. Each rule of the contract (and the
parse-level rules FMT-01, FMT-02, REQ-01) is an asset check: it fails when any row of the run broke
it, with severity ERROR for quarantining rules and WARN for flagging ones. Failing rows are not an
error of the run: they are kept in quarantine with their reasons, which is the point.
"""


import time
from dataclasses import replace
from pathlib import Path

import dagster as dg
import polars as pl

from assets.metadata import md_table
from assets.partitions import fiscal_years, today
from assets.raw import FILE_REPORT, raw_key
from expectations import store as gx_store
from expectations.results import ExpectationOutcome, Validation
from assets.resources import KhlangHome
from pipelines import reuse
from pipelines.attention import judge
from pipelines.casting import cast
from pipelines.outcomes import OUTCOMES, outcome_counts
from pipelines.validate import check_rows, current_rows, with_period
from warehouse import lake
from warehouse.contracts import Contract, contracts, parse_rules


def validated_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["validated", table])


def rule_ids(contract: Contract) -> list[str]:
    return [*parse_rules(), *contract.rule_ids]


def _rule(contract: Contract, rule_id: str):
    return parse_rules().get(rule_id) or contract.rule(rule_id)


def _check_results(contract: Contract, rows: pl.DataFrame, validation, totals: pl.DataFrame | None = None
                   ) -> list[dg.AssetCheckResult]:
    """One check per rule. Rows breaking it are a finding (counts in metadata, the check passes): the
    quarantine did its job. The check fails only when the contract says the result needs a person
    (`attention:`, judged by pipelines.attention): ERROR for a quarantining rule, WARN for a flag."""
    results = []
    for rid in rule_ids(contract):
        rule = _rule(contract, rid)
        attention = contract.attention_for(rid)
        verdict = judge(rows, rid, attention, totals)
        gx = [o for o in validation.outcomes if o.rule_id == rid]
        metadata = {
            "rule_id": rid,
            "rows_checked": int(totals.get_column("rows").sum() or 0) if totals is not None else rows.height,
            "rows_failed": verdict.rows_failed,
            "needs_a_person": verdict.needs_person,
            "needs_a_person_when": attention.describe(),
            "rule_th": rule.th,
            "rule_en": rule.en,
            "on_failure": "quarantine" if rule.severity == "quarantine" else "keep, flag",
            "engine": "GX pandas" if gx else "casting (Polars)",
            "expectations": ", ".join(sorted({o.expectation for o in gx})) or "-",
        }
        if verdict.rows_failed:
            metadata["files"] = md_table(verdict.files.rename({"_source_file": "file"}), 10)
            failing = rows.filter(pl.col("_rule_ids").list.contains(rid))
            metadata["failing_rows"] = md_table(
                failing.select("_source_file", "_sheet", "_row", pl.col("_reason_th").str.slice(0, 160)), 10
            )
        results.append(
            dg.AssetCheckResult(
                check_name=rule.check_name,
                passed=not verdict.needs_person,
                severity=dg.AssetCheckSeverity.ERROR if rule.severity == "quarantine" else dg.AssetCheckSeverity.WARN,
                description=f"{rid}: {rule.th}",
                metadata=metadata,
            )
        )
    return results


def _expectation_frame(contract: Contract, validation, periods: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "table_name": contract.table,
                "periods": ",".join(periods),
                "rule_id": o.rule_id,
                "check_key": o.check,
                "expectation": o.expectation,
                "columns": o.columns,
                "success": o.success,
                "element_count": o.element_count,
                "unexpected_count": o.unexpected_count,
            }
            for o in validation.outcomes
        ]
    )


def _combined(contract: Contract, validations: list[Validation]) -> Validation:
    """One night's validations of an incremental table (one per batch) as one."""
    if not validations:
        return Validation(contract.table, pl.DataFrame(), [], None, 0.0)
    outcomes: dict[tuple[str, str], ExpectationOutcome] = {}
    for v in validations:
        for o in v.outcomes:
            k = (o.check, o.expectation + o.columns)
            prev = outcomes.get(k)
            outcomes[k] = o if prev is None else replace(
                prev, success=prev.success and o.success, element_count=prev.element_count + o.element_count,
                unexpected_count=prev.unexpected_count + o.unexpected_count)
    return Validation(contract.table, pl.DataFrame(), list(outcomes.values()), validations[-1].data_docs,
                      sum(v.seconds for v in validations))


def _deps_and_checks(contract: Contract) -> tuple[list[dg.AssetKey], list[dg.AssetCheckSpec]]:
    """What a validated table reads (its raw rows, the register and past allocations it is enriched with)
    and one asset check per rule."""
    key = validated_key(contract.table)
    deps = [raw_key(contract.table)]
    if contract.load == "incremental":
        deps.append(FILE_REPORT)  # which landing contents are this table's, and which are new
    if "register" in contract.enrich:
        deps.append(validated_key("schools"))
    if "recent_allocations" in contract.enrich:
        deps.append(validated_key("dltv_allocation"))
    checks = [
        dg.AssetCheckSpec(rid.replace("-", "_"), asset=key, description=f"{rid}: {_rule(contract, rid).th} / {_rule(contract, rid).en}")
        for rid in rule_ids(contract)
    ]
    return deps, checks


def build_incremental_asset(contract: Contract) -> dg.AssetsDefinition:
    """An incremental table (platform exports): each landing content validated once and appended to its
    Delta table (pipelines.incremental); the checks judge the night's new rows."""
    key = validated_key(contract.table)
    deps, checks = _deps_and_checks(contract)

    @dg.asset(
        key=key,
        deps=deps,
        check_specs=checks,
        group_name="validated",
        kinds={"great_expectations", "polars", "deltalake"},
        owners=["team:ict"],
        description=(
            f"{contract.th} ({contract.en}), DATA_CONTRACT.md §{contract.section}. A Delta table partitioned by month: "
            "each landing file validated once (GX suite), appended in one commit, with outcomes, rule IDs and "
            "Thai/English reasons; a later content of the same file, or a later row for the same key, supersedes."
        ),
    )
    def _validated(context: dg.AssetExecutionContext, khlang: KhlangHome):
        from pipelines import incremental, parsed_files

        home = khlang.home()
        t = time.perf_counter()
        report = lake.read(home, "raw", "file_report")
        night = incremental.validate_new(home, contract, report, parsed_files.current_fingerprint(), today(), context.log.info)
        validation = _combined(contract, night.validations)
        rows = night.failing if night.failing is not None else pl.DataFrame(
            schema={"_source_file": pl.String, "_sheet": pl.String, "_row": pl.Int32, "_outcome": pl.String,
                    "_rule_ids": pl.List(pl.String), "_reason_th": pl.String})
        totals = night.totals if night.totals is not None else pl.DataFrame(schema={"_source_file": pl.String, "rows": pl.UInt32})
        if night.validations:
            lake.write(_expectation_frame(contract, validation, ["new files"]),
                       lake.path(home, "checks", "expectations", contract.table))
        yield dg.MaterializeResult(
            metadata={
                "new_files": len(night.new_contents),
                "rebuilt": night.rebuilt,
                "new_rows": int(totals.get_column("rows").sum() or 0),
                **{o: int(night.outcomes.get(o, 0)) for o in OUTCOMES if o != "superseded"},
                "worker_processes": night.parallel,
                "delta_version": night.version if night.version is not None else -1,
                "gx_seconds": round(validation.seconds, 2),
                "seconds": round(time.perf_counter() - t, 2),
                **{f"seconds_{k}": round(v, 2) for k, v in night.seconds.items()},
            }
        )
        yield from _check_results(contract, rows, validation, totals)

    return _validated


def _kept_rows(home, contract: Contract, kept: dict) -> list[Path]:
    """The files holding the last validation's rows: its partitions, or for a table with no rows (no
    school sent one yet) its columns, kept beside the stamp."""
    return ([lake.path(home, "validated", contract.table, k) for k in kept["written"]]
            or [reuse.kept_frame(home, "validated", contract.table)])


def _reusable(home, contract: Contract, wanted: str) -> dict | None:
    """The last validation's notes when it can be taken over: made from the same inputs (`wanted`), with
    its rows, its GX outcomes and the table's GX objects all still there."""
    kept = reuse.reusable(home, "validated", contract.table, wanted,
                          [lake.path(home, "checks", "expectations", contract.table)])
    if kept is None or not gx_store.sound(home, contract.table):
        return None
    return kept if all(p.exists() for p in _kept_rows(home, contract, kept)) else None


def _kept_result(home, contract: Contract, kept: dict) -> tuple[pl.DataFrame, Validation]:
    """The rows and GX outcomes of the last validation, read back from the lake as it wrote them."""
    rows = pl.concat([pl.read_parquet(p) for p in _kept_rows(home, contract, kept)], how="diagonal_relaxed")
    frame = lake.read(home, "checks", "expectations", contract.table)
    rules = {rid: _rule(contract, rid) for rid in rule_ids(contract)}
    outcomes = [
        ExpectationOutcome(r["rule_id"], r["check_key"], rules[r["rule_id"]].severity if r["rule_id"] in rules else "",
                           r["expectation"], r["columns"], r["success"], r["element_count"], r["unexpected_count"])
        for r in frame.iter_rows(named=True)
    ]
    docs = home.data_docs if home.data_docs.exists() else None  # (the root may have moved since)
    return rows, Validation(contract.table, pl.DataFrame(), outcomes, docs, 0.0)


def build_validated_asset(contract: Contract) -> dg.AssetsDefinition:
    if contract.load == "incremental":
        return build_incremental_asset(contract)
    key = validated_key(contract.table)
    deps, checks = _deps_and_checks(contract)
    partitioned = contract.period is not None

    @dg.asset(
        key=key,
        deps=deps,
        partitions_def=fiscal_years if partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if partitioned else None,
        check_specs=checks,
        group_name="validated",
        kinds={"great_expectations", "polars", "parquet"},
        owners=["team:ict"],
        description=(
            f"{contract.th} ({contract.en}), DATA_CONTRACT.md §{contract.section}. Every row of the landing files, "
            "typed, checked against the contract's rules (GX suite) and marked valid, flagged, quarantined "
            "or superseded, with rule IDs and Thai/English reasons."
        ),
    )
    def _validated(context: dg.AssetExecutionContext, khlang: KhlangHome):
        home = khlang.home()
        t = time.perf_counter()
        typed = with_period(cast(lake.read(home, "raw", contract.table), contract, hashed=True), contract)
        seconds = {"cast": time.perf_counter() - t}
        keys = context.partition_keys if partitioned else [lake.WHOLE]
        if partitioned:
            typed = typed.filter(pl.col("_period").cast(pl.String).is_in(keys))
        register = current_rows(home, "schools") if "register" in contract.enrich else None
        allocations = current_rows(home, "dltv_allocation") if "recent_allocations" in contract.enrich else None
        inputs = (contract.table, keys, today(), reuse.frame_digest(typed), reuse.frame_digest(register),
                  reuse.frame_digest(allocations))
        wanted = reuse.stamp(*inputs)
        kept = _reusable(home, contract, wanted)
        if kept is not None:  # the same rows, references, rules and day as the last validation: its result
            rows, validation = _kept_result(home, contract, kept)
            periods = kept["periods"]
        else:
            reuse.forget(home, "validated", contract.table)
            checked = check_rows(typed, contract, register, allocations, today=today(), gx_root=home.root)
            seconds.update(checked.seconds)
            t = time.perf_counter()
            rows, validation = checked.rows, checked.validation
            written = []
            for k in keys:
                part = rows.filter(pl.col("_period").cast(pl.String) == k) if partitioned else rows
                target = lake.path(home, "validated", contract.table, k)
                if part.height:
                    lake.write(part, target)
                    written.append(k)
                else:
                    target.unlink(missing_ok=True)  # the year has no rows any more: nothing stale remains
            periods = sorted({str(p) for p in rows.get_column("_period").drop_nulls().to_list()}) or keys
            # The latest GX run of this table (its `periods` column says which years it covered).
            lake.write(_expectation_frame(contract, validation, periods),
                       lake.path(home, "checks", "expectations", contract.table))
            seconds["write"] = time.perf_counter() - t
            if not written:  # no rows to read back: the empty table's columns are kept instead
                lake.write(rows.clear(), reuse.kept_frame(home, "validated", contract.table))
            reuse.remember(home, "validated", contract.table, wanted, {"written": written, "periods": periods})
        yield dg.MaterializeResult(
            metadata={
                "rows": rows.height,
                **outcome_counts(rows),
                "reused": kept is not None,
                "gx_seconds": round(validation.seconds, 2),
                "data_docs": dg.MetadataValue.path(str(validation.data_docs)),
                "periods": ", ".join(periods),
                **{f"seconds_{k}": round(v, 2) for k, v in seconds.items()},
            }
        )
        yield from _check_results(contract, rows, validation)

    return _validated


validated_assets = [build_validated_asset(c) for c in contracts().values()]
