"""End to end: formula text typed by schools goes through the real nightly run and leaves neutralised.

One generated district per module (the register and DLTV only): a cluster's CSV (cp874, as the sample writes it) gets formula
text in its school-name column before the run; the published version is then exported through the CLI.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import polars as pl
import pytest

from pipelines.cli import main
from pipelines.config import home
from warehouse.contracts import get
from warehouse.publish import read_snapshot

pytestmark = pytest.mark.slow

SURVEY = "dltv_equipment"
PERIOD = 2569
NAME = get(SURVEY).column("school_name").header_th
CODE = get(SURVEY).column("school_code").header_th
FORMULAS = ['=HYPERLINK("http://x.example","ดู")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1"]


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    h = home(tmp_path_factory.mktemp("district"))
    generate(h.root, seed=2569, n_schools=300, events=0, families=())  # the register and DLTV: what is exported
    [target] = [p for p in h.landing.rglob("*.csv")
                if p.parent.name == "cluster" and p.parent.parent.name == str(PERIOD)]
    text = target.read_bytes().decode("cp874")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for i, row in enumerate(rows[1:]):
        row[2] = FORMULAS[i % len(FORMULAS)]  # the school-name column
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    target.write_bytes(buf.getvalue().encode("cp874"))
    summary = run_nightly(h)
    assert summary.success and summary.version
    return h, target.relative_to(h.landing).as_posix()


def test_formula_text_from_a_school_file_is_neutralised_in_the_export(district, tmp_path, monkeypatch, capsys):
    h, source = district
    snap = read_snapshot(h, SURVEY).filter(pl.col("fiscal_year") == PERIOD, pl.col("outcome").is_in(["valid", "flagged"]))
    planted = snap.filter(pl.col("school_name").is_in(FORMULAS))
    assert planted.height >= 3, "formula text must reach the published version for this test to mean anything"
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    out = tmp_path / "obec"
    assert main(["export", "obec", "--survey", SURVEY, "--year", str(PERIOD), "--out", str(out)]) == 0
    assert "OWASP" in capsys.readouterr().out
    header, *body = list(csv.reader(io.StringIO((out / f"{SURVEY}_{PERIOD}.csv").read_text(encoding="utf-8-sig"),
                                                newline="")))
    names = {r[header.index(CODE)]: r[header.index(NAME)] for r in body}
    for code, name in planted.select("school_code", "school_name").iter_rows():
        assert names[code] == "'" + name
    assert not any(n[:1] in "=+-@\t\r" for n in names.values())
    ws = openpyxl.load_workbook(out / f"{SURVEY}_{PERIOD}.xlsx").worksheets[0]
    xlsx = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]
    assert xlsx == [header, *body]  # the same values, cell for cell
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    f = manifest["formula_cells_neutralised"]
    assert f["cells"] == planted.height and [c["name"] for c in f["columns"]] == ["school_name"]
    assert any(s["source_file"] == source and s["rows_exported"] for s in manifest["sources"])
