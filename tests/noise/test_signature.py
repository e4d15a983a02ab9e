from robustx.noise.profiles import parse_profile
from robustx.noise.signature import signature

from . import testops  # noqa: F401


def prof(rate=0.1, params=None, sides="default", version=1, protect=None):
    step = {"op": "t_upper", "rate": rate}
    if params:
        step["params"] = params
    doc = {"name": "demo", "version": version, "sides": sides,
           "ops": [step, {"op": "t_grow", "rate": 0.05}]}
    if protect is not None:
        doc["protect"] = protect
    return parse_profile(doc, "x").at(None)


def test_format_is_exact():
    assert signature(prof(), 12345, "3f9a1c2e", "0.1.0") == \
        "demo.v1[t_upper:0.10+t_grow:0.05]|sev:3|rs:12345|prot:numbers|data:3f9a1c2e|v:0.1.0"


def test_rates_never_collide():
    from robustx.noise.signature import fmt_rate

    assert [fmt_rate(r) for r in (0.1, 0.015, 0.01, 1.0, 0.0625)] == \
        ["0.10", "0.015", "0.01", "1.00", "0.0625"]


def test_non_default_params_and_sides_are_shown():
    s = signature(prof(params={"suffix": "!"}, sides="first"), 1, "abc", "0.1.0")
    assert s == ("demo.v1[t_upper(suffix=!):0.10+t_grow:0.05]|sev:3|rs:1|sides:first|prot:numbers"
                 "|data:abc|v:0.1.0")


def test_everything_that_changes_output_changes_the_signature():
    base = signature(prof(), 1, "d1", "0.1.0")
    variants = [
        signature(prof(rate=0.2), 1, "d1", "0.1.0"),
        signature(prof(params={"suffix": "x"}), 1, "d1", "0.1.0"),
        signature(prof(sides="second"), 1, "d1", "0.1.0"),
        signature(prof(version=2), 1, "d1", "0.1.0"),
        signature(prof(protect=[]), 1, "d1", "0.1.0"),
        signature(prof(protect=["numbers", "units"]), 1, "d1", "0.1.0"),
        signature(prof(), 2, "d1", "0.1.0"),
        signature(prof(), 1, "d2", "0.1.0"),
        signature(prof(), 1, "d1", "0.2.0"),
        signature(parse_profile({"name": "demo", "version": 1, "ops": [
            {"op": "t_upper", "rate": 0.1}, {"op": "t_grow", "rate": 0.05}]}, "x").at(4),
            1, "d1", "0.1.0"),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_third_party_data_versions_enter_the_signature(monkeypatch):
    """translit and ime_homophone read anyascii's tables: a new anyascii can change the output."""
    import importlib.metadata

    from robustx.noise.profiles import load_profile

    prof = load_profile("translit").at(None)
    before = signature(prof, 1, "d1", "0.1.0")
    assert "|res:" in before
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "99.0" if name == "anyascii" else real(name))
    assert signature(prof, 1, "d1", "0.1.0") != before
    homoglyph = load_profile("homoglyph").at(None)  # uses only our own data: no res field
    assert "|res:" not in signature(homoglyph, 1, "d1", "0.1.0")
