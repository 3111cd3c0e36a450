"""Great Expectations suites generated from the table contracts (never edited by hand).

Each OBEC rule in a contract is a list of GX 1.x expectations; every expectation carries its rule ID,
severity and Thai/English message in `meta`, so a GX result can be traced back to the rule and the
quarantine reason. `suites/<table>.json` beside this file is the readable, committed rendering of the
same suites (Thai not escaped, no generated IDs); a test keeps it in step with the contracts.
"""

from __future__ import annotations

import json
from pathlib import Path

from expectations import gx_env  # noqa: F401  (analytics off before GX is imported)
import great_expectations as gx
import great_expectations.expectations as gxe

from warehouse.contracts import Check, Contract, contracts

SUITES_DIR = Path(__file__).parent / "suites"


def expectation_class(type_name: str) -> type:
    """`expect_column_values_to_be_between` -> gxe.ExpectColumnValuesToBeBetween."""
    name = "".join(part.capitalize() for part in type_name.split("_"))
    cls = getattr(gxe, name, None)
    if cls is None:
        raise ValueError(f"contract names unknown GX expectation {type_name!r}")
    return cls


def check_key(check: Check) -> str:
    return check.key


def expectation_specs(contract: Contract) -> list[dict]:
    """Plain dicts {type, kwargs, meta} for every expectation of the contract, in rule order."""
    specs = []
    for check in contract.checks:
        for e in check.expectations:
            kwargs = {k: v for k, v in e.items() if k != "type"}
            if "row_condition" in kwargs:
                kwargs["condition_parser"] = "pandas"
            meta = {
                "rule_id": check.rule_id,
                "check": check_key(check),
                "severity": check.severity,
                "th": check.th,
                "en": check.en,
                "contract": f"DATA_CONTRACT.md §{contract.section} ({contract.table})",
            }
            specs.append({"type": e["type"], "kwargs": kwargs, "meta": meta})
    return specs


def build_suite(contract: Contract) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=contract.table, meta={"generated_from": f"warehouse/contracts/{contract.table}.yaml"})
    for spec in expectation_specs(contract):
        suite.add_expectation(expectation_class(spec["type"])(**spec["kwargs"], meta=spec["meta"]))
    return suite


def suite_document(contract: Contract) -> dict:
    """The committed JSON rendering: the GX suite's own serialisation, minus generated IDs."""
    gx.get_context(mode="ephemeral")  # GX suites need an active context, even just to serialise
    doc = build_suite(contract).to_json_dict()
    doc.pop("id", None)
    for e in doc["expectations"]:
        e.pop("id", None)
    return doc


def render(contract: Contract) -> str:
    return json.dumps(suite_document(contract), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in contracts().values():
        path = directory / f"{contract.table}.json"
        path.write_text(render(contract), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_suites():
        print(p)
