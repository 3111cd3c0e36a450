"""pipelines/national/layout.py: a national root of single-office roots, and the sample offices in it."""

from __future__ import annotations

import json

import pytest

from pipelines.config import Home, is_data_root
from pipelines.national.layout import create, is_national, office_codes, office_root
from pipelines.national.simulate import simulate


def test_create_makes_one_named_data_root_per_office(tmp_path):
    assert not is_national(tmp_path)
    assert create(tmp_path, ["4001", "5001"]) == ["4001", "5001"]
    assert is_national(tmp_path) and office_codes(tmp_path) == ["4001", "5001"]
    for code in ("4001", "5001"):
        root = office_root(tmp_path, code)
        assert is_data_root(root) and Home(root).office.code == code
    # extending keeps the order and adds only new offices; a single-office root is never national
    assert create(tmp_path, ["5001", "9001"]) == ["4001", "5001", "9001"]
    assert json.loads((tmp_path / "national.json").read_text())["offices"] == ["4001", "5001", "9001"]
    assert not is_national(office_root(tmp_path, "4001"))


def test_unknown_office_and_missing_marker_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown office code"):
        create(tmp_path, ["9999"])
    with pytest.raises(ValueError, match="not a national root"):
        office_codes(tmp_path)


def test_simulated_offices_have_their_own_school_codes(tmp_path):
    codes = simulate(tmp_path, 3, events=0, n_schools=150, families=())
    assert codes == ["4001", "4002", "4003"]
    seen: dict[str, set[str]] = {}
    for code in codes:
        expected = json.loads((office_root(tmp_path, code) / "sample" / "expected.json").read_text())
        assert Home(office_root(tmp_path, code)).office.code == code
        schools = {s for s in _school_codes(expected)}
        assert schools and all(len(s) == 10 and s.startswith("10" + code) for s in schools)
        seen[code] = schools
    assert not (seen["4001"] & seen["4002"]) and not (seen["4002"] & seen["4003"])


def _school_codes(expected: dict) -> set[str]:
    """Every 10-digit code starting with 10 anywhere in the ground truth (the register's schools)."""
    found: set[str] = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and len(v) == 10 and v.isdigit() and v.startswith("10"):
            found.add(v)

    walk(expected)
    return found


def test_cli_init_and_run_refuses_a_root_that_is_not_national(tmp_path, capsys):
    from pipelines.cli import main

    assert main(["national", "init", str(tmp_path / "n"), "--offices", "4001, 5001"]) == 0
    assert office_codes(tmp_path / "n") == ["4001", "5001"]
    assert main(["national", "init", str(tmp_path / "m"), "--offices", "9999"]) == 2
    assert main(["national", "run", str(tmp_path / "m")]) == 2
    assert "not a national root" in capsys.readouterr().err
