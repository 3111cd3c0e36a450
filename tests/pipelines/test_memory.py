"""frozen_heap: the collector leaves the heap that existed alone inside the block, and is as before after it."""

from __future__ import annotations

import gc

import pytest

from pipelines.memory import frozen_heap


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
