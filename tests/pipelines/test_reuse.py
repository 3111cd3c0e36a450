"""pipelines/reuse.py: a result is reused only while everything it was made from is the same."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipelines import reuse
from pipelines.config import home

ROWS = pl.DataFrame({"school_code": ["1040050562", "๑๐๔๐๐๕๐๕๖๓", None], "name": ["บ้านหนองบัว", "วัดใหม่ ", ""]})


def test_a_frame_digest_follows_every_value_the_order_and_the_types():
    d = reuse.frame_digest(ROWS)
    assert d == reuse.frame_digest(ROWS.clone())
    assert d != reuse.frame_digest(ROWS.with_columns(pl.col("name").str.strip_chars()))
    assert d != reuse.frame_digest(ROWS.reverse())
    assert d != reuse.frame_digest(ROWS.with_columns(pl.col("school_code").cast(pl.Categorical)))
    assert d != reuse.frame_digest(ROWS.head(0)) != reuse.frame_digest(None)


@given(st.lists(st.text(alphabet="กขคงจฉ0123456789 ", max_size=6), min_size=1, max_size=20), st.integers(0, 19))
def test_changing_one_cell_changes_the_digest(values, i):
    frame = pl.DataFrame({"v": values})
    i %= len(values)
    changed = frame.with_columns(pl.when(pl.int_range(pl.len()) == i).then(pl.col("v") + "ๆ").otherwise(pl.col("v")))
    assert reuse.frame_digest(frame) != reuse.frame_digest(changed)


def test_a_stamp_is_reused_only_while_it_matches_and_its_outputs_exist(tmp_path):
    h = home(tmp_path / "root")
    out = tmp_path / "out.parquet"
    out.write_bytes(b"x")
    wanted = reuse.stamp("dltv_equipment", "2569", reuse.frame_digest(ROWS))
    assert reuse.reusable(h, "validated", "dltv_equipment", wanted, [out]) is None  # never made
    reuse.remember(h, "validated", "dltv_equipment", wanted, {"written": ["2569"]})
    assert reuse.reusable(h, "validated", "dltv_equipment", wanted, [out]) == {"written": ["2569"]}
    assert reuse.reusable(h, "validated", "dltv_equipment", reuse.stamp("dltv_equipment", "2568"), [out]) is None
    assert reuse.reusable(h, "validated", "dltv_equipment", wanted, [out, tmp_path / "gone.parquet"]) is None
    reuse.forget(h, "validated", "dltv_equipment")  # a writer started: until it remembers, nothing is reused
    assert reuse.reusable(h, "validated", "dltv_equipment", wanted, [out]) is None


def test_a_damaged_stamp_file_is_no_stamp(tmp_path):
    h = home(tmp_path / "root")
    wanted = reuse.stamp("marts", "coverage")
    reuse.remember(h, "marts", "coverage", wanted)
    (h.lake / "stamps" / "marts" / "coverage.json").write_bytes(b'{"stamp": "')
    assert reuse.reusable(h, "marts", "coverage", wanted, []) is None


def test_files_digest_follows_names_and_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    f = tmp_path / "a" / "2569.parquet"
    f.write_bytes(b"one")
    d = reuse.files_digest(tmp_path, [f])
    f.write_bytes(b"two")
    assert reuse.files_digest(tmp_path, [f]) != d
    before = reuse.files_digest(tmp_path, [f])
    g = tmp_path / "a" / "2568.parquet"
    f.rename(g)  # the same bytes under another name: another input
    assert reuse.files_digest(tmp_path, [g]) != before
