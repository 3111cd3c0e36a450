"""frozen_heap: the collector leaves the heap that existed alone inside the block, and is as before after it."""

from __future__ import annotations

import gc

import pytest

from pipelines.memory import frozen_heap, import_frozen


def test_frozen_inside_and_restored_after_even_on_error():
    before_threshold, before_frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError):
        with frozen_heap():
            assert gc.get_freeze_count() > before_frozen, "what existed is frozen"
            assert gc.get_threshold()[0] > before_threshold[0]
            raise RuntimeError("a step failed")
    assert gc.get_threshold() == before_threshold
    assert gc.get_freeze_count() == before_frozen == 0


def test_cycles_made_inside_are_still_collected():
    class Node:
        pass

    with frozen_heap():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2, "a cycle made inside the block is garbage the collector finds"


def test_a_module_imported_mid_run_is_frozen_with_the_rest(tmp_path, monkeypatch):
    (tmp_path / "khlang_mid_run_module.py").write_text("TABLE = {i: [i] for i in range(1000)}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import_frozen("colorsys")  # outside a frozen_heap block: imported, nothing frozen
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        before = gc.get_freeze_count()
        import_frozen("khlang_mid_run_module")
        assert gc.get_freeze_count() >= before + 1000, "the module's objects joined the frozen heap"
    assert gc.get_freeze_count() == 0
