import os

import pytest

from pipelines.environment import overridden


def test_values_hold_inside_the_block_and_are_put_back_after_it(monkeypatch):
    monkeypatch.setenv("KHLANG_TEST_SET", "before")
    monkeypatch.setenv("KHLANG_TEST_REMOVED", "there")
    monkeypatch.delenv("KHLANG_TEST_NEW", raising=False)
    with overridden(KHLANG_TEST_SET="inside", KHLANG_TEST_REMOVED=None, KHLANG_TEST_NEW="new"):
        assert os.environ["KHLANG_TEST_SET"] == "inside"
        assert "KHLANG_TEST_REMOVED" not in os.environ
        assert os.environ["KHLANG_TEST_NEW"] == "new"
    assert os.environ["KHLANG_TEST_SET"] == "before"
    assert os.environ["KHLANG_TEST_REMOVED"] == "there"
    assert "KHLANG_TEST_NEW" not in os.environ


def test_values_are_put_back_when_the_block_raises(monkeypatch):
    monkeypatch.setenv("KHLANG_TEST_SET", "before")
    monkeypatch.delenv("KHLANG_TEST_NEW", raising=False)
    with pytest.raises(RuntimeError), overridden(KHLANG_TEST_SET="inside", KHLANG_TEST_NEW="new"):
        raise RuntimeError("a night failed")
    assert os.environ["KHLANG_TEST_SET"] == "before"
    assert "KHLANG_TEST_NEW" not in os.environ
