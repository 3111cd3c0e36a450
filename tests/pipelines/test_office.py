"""The office dimension: the reference list, a root's office, and the single-office default."""

import json

import pytest

from pipelines import office
from pipelines.config import Home


def test_every_office_has_a_province_and_a_region():
    known = office.offices()
    assert "4004" in known and known["4004"].th == "สพป.ขอนแก่น เขต 4"
    assert all(o.province and o.region_th and o.region_en for o in known.values())
    assert len({o.region for o in known.values()}) >= 5  # enough regions for the national roll-ups to mean something


def test_a_root_without_office_json_is_the_unset_office(tmp_path):
    assert Home(tmp_path).office == office.UNSET
    assert office.UNSET.code == "0000"


def test_set_root_names_the_office_and_refuses_unknown_codes(tmp_path):
    office.set_root(tmp_path, "5001")
    assert json.loads((tmp_path / "office.json").read_text()) == {"code": "5001"}
    assert Home(tmp_path).office.province == "เชียงใหม่"
    with pytest.raises(ValueError, match="ไม่รู้จักรหัสเขตพื้นที่"):
        office.set_root(tmp_path, "9999")
    assert Home(tmp_path).office.code == "5001"  # the refused code wrote nothing
