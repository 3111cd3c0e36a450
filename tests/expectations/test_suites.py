"""The GX suites are generated from the contracts and every rule is in them, traceable by ID."""

from __future__ import annotations

import json

import pytest

from expectations.suites import SUITES_DIR, render, suite_document
from warehouse.contracts import contracts


@pytest.mark.parametrize("table", list(contracts()))
def test_committed_suite_is_what_the_contract_generates(table):
    committed = (SUITES_DIR / f"{table}.json").read_text(encoding="utf-8")
    assert committed == render(contracts()[table]), "run `khlang suites` after changing a contract"
    assert "\\u0e" not in committed, "Thai is written as Thai, not escaped"


@pytest.mark.parametrize("table", list(contracts()))
def test_every_rule_has_expectations_carrying_its_id_and_thai_message(table):
    contract = contracts()[table]
    doc = suite_document(contract)
    ids = {e["meta"]["rule_id"] for e in doc["expectations"]}
    assert ids == set(contract.rule_ids)
    for e in doc["expectations"]:
        assert e["meta"]["severity"] in ("quarantine", "flag")
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in e["meta"]["th"])
        assert "id" not in e
    json.dumps(doc)  # serialisable as committed
