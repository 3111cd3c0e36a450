"""Validated layer: typed rows checked by the contract's GX suite, one asset per contract.

Surveys are partitioned by fiscal year; the register is not. Each rule of the contract (and the
parse-level rules FMT-01, FMT-02, REQ-01) is an asset check: it fails when any row of the run broke
it, with severity ERROR for quarantining rules and WARN for flagging ones. Failing rows are not an
error of the run: they are kept in quarantine with their reasons, which is the point.
"""


import time

import dagster as dg
import polars as pl

from assets.metadata import md_table
from assets.partitions import fiscal_year_of, fiscal_years, today
from pipelines.calendar import fiscal_year_expr
from assets.raw import raw_key
from assets.resources import KhlangHome
from pipelines.attention import judge
from pipelines.casting import cast
from pipelines.outcomes import CURRENT, OUTCOMES
from pipelines.validate import check_rows, empty_rows
from warehouse import lake
from warehouse.contracts import Contract, contracts, parse_rules


def validated_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["validated", table])


def rule_ids(contract: Contract) -> list[str]:
    return [*parse_rules(), *contract.rule_ids]


def _rule(contract: Contract, rule_id: str):
    return parse_rules().get(rule_id) or contract.rule(rule_id)


def with_period(typed: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """`_period`: the row's fiscal year (the period column's value, or the fiscal year of its date); if
    unreadable, its file's most common year, else this year.

    Every row needs a partition so that it is accounted for; a row whose year cannot be read is
    quarantined (FMT-01/REQ-01) in the partition of the rest of its file.
    """
    if not contract.period:
        return typed.with_columns(_period=pl.lit(None, pl.Int32))
    year = pl.col(contract.period)
    if typed.schema[contract.period].is_temporal():
        year = fiscal_year_expr(year)
    file_year = year.drop_nulls().mode().sort().last().over("_source_file")
    return typed.with_columns(_period=pl.coalesce(year, file_year, pl.lit(fiscal_year_of(today()))).cast(pl.Int32))


def current_rows(home, table: str) -> pl.DataFrame:
    """The valid and flagged rows of a validated table (all partitions)."""
    if not lake.exists(home, "validated", table):
        return empty_rows(contracts()[table])
    return lake.read_all(home, "validated", table).filter(pl.col("_outcome").is_in(CURRENT))


def _check_results(contract: Contract, rows: pl.DataFrame, validation) -> list[dg.AssetCheckResult]:
    """One check per rule. Rows breaking it are a finding (counts in metadata, the check passes): the
    quarantine did its job. The check fails only when the contract says the result needs a person
    (`attention:`, judged by pipelines.attention): ERROR for a quarantining rule, WARN for a flag."""
    results = []
    for rid in rule_ids(contract):
        rule = _rule(contract, rid)
        attention = contract.attention_for(rid)
        verdict = judge(rows, rid, attention)
        gx = [o for o in validation.outcomes if o.rule_id == rid]
        metadata = {
            "rule_id": rid,
            "rows_checked": rows.height,
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


def build_validated_asset(contract: Contract) -> dg.AssetsDefinition:
    key = validated_key(contract.table)
    deps = [raw_key(contract.table)]
    if "register" in contract.enrich:
        deps.append(validated_key("schools"))
    if "recent_allocations" in contract.enrich:
        deps.append(validated_key("dltv_allocation"))
    partitioned = contract.period is not None
    checks = [
        dg.AssetCheckSpec(rid.replace("-", "_"), asset=key, description=f"{rid}: {_rule(contract, rid).th} / {_rule(contract, rid).en}")
        for rid in rule_ids(contract)
    ]

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
        typed = with_period(cast(lake.read(home, "raw", contract.table), contract), contract)
        seconds = {"cast": time.perf_counter() - t}
        keys = context.partition_keys if partitioned else [lake.WHOLE]
        if partitioned:
            typed = typed.filter(pl.col("_period").cast(pl.String).is_in(keys))
        register = current_rows(home, "schools") if "register" in contract.enrich else None
        allocations = current_rows(home, "dltv_allocation") if "recent_allocations" in contract.enrich else None
        checked = check_rows(typed, contract, register, allocations, today=today(), gx_root=home.root)
        seconds.update(checked.seconds)
        t = time.perf_counter()
        rows = checked.rows
        for k in keys:
            part = rows.filter(pl.col("_period").cast(pl.String) == k) if partitioned else rows
            target = lake.path(home, "validated", contract.table, k)
            if part.height:
                lake.write(part, target)
            else:
                target.unlink(missing_ok=True)  # the year has no rows any more: nothing stale remains
        periods = sorted({str(p) for p in rows.get_column("_period").drop_nulls().to_list()}) or keys
        # The latest GX run of this table (its `periods` column says which years it covered).
        lake.write(_expectation_frame(contract, checked.validation, periods),
                   lake.path(home, "checks", "expectations", contract.table))
        seconds["write"] = time.perf_counter() - t
        tally = rows.get_column("_outcome").value_counts()
        by_outcome = dict(zip(tally.get_column("_outcome").to_list(), tally.get_column("count").to_list()))
        yield dg.MaterializeResult(
            metadata={
                "rows": rows.height,
                **{o: int(by_outcome.get(o, 0)) for o in OUTCOMES},
                "gx_seconds": round(checked.validation.seconds, 2),
                "data_docs": dg.MetadataValue.path(str(checked.validation.data_docs)),
                "periods": ", ".join(periods),
                **{f"seconds_{k}": round(v, 2) for k, v in seconds.items()},
            }
        )
        yield from _check_results(contract, rows, checked.validation)

    return _validated


validated_assets = [build_validated_asset(c) for c in contracts().values()]
