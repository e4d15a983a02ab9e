import pytest

from robustx.errors import ProfileError
from robustx.noise.profiles import load_profile, parse_profile, shipped_profiles

from . import testops  # noqa: F401


def doc(**kw):
    base = {"name": "p", "version": 1, "ops": [{"op": "t_upper", "rate": 0.2}]}
    base.update(kw)
    return base


def test_parse_and_severity_scaling():
    p = parse_profile(doc(severity={1: 0.5, 2: 1, 3: 2, 4: 4, 5: 10}, default_severity=2), "x")
    assert p.at(None).steps[0].rate == 0.2
    assert p.at(3).steps[0].rate == 0.4
    assert p.at(5).steps[0].rate == 1.0  # capped
    assert p.at(1).severity == 1


@pytest.mark.parametrize("bad, msg", [
    (doc(colour="red"), "unknown key 'colour'"),
    (doc(opps=[]), "unknown key 'opps' (did you mean 'ops'?)"),
    (doc(ops=[{"op": "t_upper", "rate": 0.2, "prams": {}}]), "unknown key 'prams'"),
    (doc(ops=[{"op": "t_uper", "rate": 0.2}]), "did you mean 't_upper'"),
    (doc(ops=[{"op": "t_upper", "rate": 1.5}]), "'rate' must be a number in [0, 1]"),
    (doc(ops=[{"op": "t_upper", "rate": 0.1, "params": {"sufix": "x"}}]), "has no param 'sufix'"),
    (doc(ops=[{"op": "t_upper", "rate": 0.1, "params": {"suffix": 3}}]), "must be str"),
    (doc(ops=[]), "'ops' must be a non-empty list"),
    (doc(version="1"), "'version' must be a positive integer"),
    (doc(severity={1: 1}), "'severity' must map each level 1..5"),
    (doc(sides="left"), "'sides' must be one of"),
    ([1, 2], "a profile must be a YAML mapping"),
    (doc(severity={1: 1, 2: 1, 3: 1, 4: 1, 5: float("inf")}), "finite number >= 0"),
    (doc(severity={1: 1, 2: 1, 3: float("nan"), 4: 1, 5: 1}), "finite number >= 0"),
    (doc(default_severity=True), "'default_severity' must be 1..5"),
    (doc(languages=[]), "'languages' must be a non-empty list"),
    (doc(languages=["German"]), "'languages' must be a non-empty list"),
    (doc(references=[1]), "'references' must be a list of strings"),
    (doc(description=["x"]), "'description' must be a string"),
])
def test_invalid_profiles_name_the_problem(bad, msg):
    with pytest.raises(ProfileError) as e:
        parse_profile(bad, "f.yaml")
    assert msg in str(e.value) and "f.yaml" in str(e.value)


def test_invalid_yaml_reports_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\nops:\n  - {op: t_upper, rate: 0.1\n")
    with pytest.raises(ProfileError, match=r"bad.yaml:\d+: invalid YAML"):
        load_profile(str(f))


def test_unknown_shipped_profile_suggests():
    with pytest.raises(ProfileError, match="unknown profile 'typoo'; did you mean 'typo'"):
        load_profile("typoo")


def test_missing_profile_file():
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile("nope/none.yaml")


def test_every_shipped_profile_loads_at_every_severity():
    names = shipped_profiles()
    assert {"typo", "codeswitch", "translit", "homoglyph", "mixed"} <= set(names)
    for name in names:
        p = load_profile(name)
        assert p.name == name
        for sev in range(1, 6):
            assert all(0 <= s.rate <= 1 for s in p.at(sev).steps)


def test_duplicate_keys_are_invalid_yaml(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("name: a\nversion: 1\nops:\n  - {op: t_upper, rate: 0.1, rate: 0.5}\n")
    with pytest.raises(ProfileError, match=r"dup.yaml:4: invalid YAML \(duplicate key 'rate'\)"):
        load_profile(str(f))


def test_unreadable_profile_file(tmp_path):
    f = tmp_path / "bin.yaml"
    f.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ProfileError, match=r"bin\.yaml: cannot read the profile"):
        load_profile(str(f))


def test_importing_profiles_and_signature_stays_light():
    """They sit inside noise/ now and import the op registry at the top: still no heavy library."""
    import subprocess
    import sys

    code = ("import sys, robustx.noise.profiles, robustx.noise.signature; "
            "print([m for m in ('numpy', 'datasets', 'pyarrow', 'torch', 'transformers') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_uncovered_is_the_one_coverage_rule():
    from robustx.noise.profiles import load_profile

    translit = load_profile("translit")
    assert translit.languages and "en" not in translit.languages
    assert translit.uncovered(["hi", "en", "mixed", "de"]) == ["de", "en"]
    assert load_profile("typo").uncovered(["en", "xx"]) == []  # no languages key: covers all


def test_a_folder_named_like_a_shipped_profile_does_not_hide_it(tmp_path, monkeypatch):
    from robustx.errors import ProfileError
    from robustx.noise.profiles import load_profile

    monkeypatch.chdir(tmp_path)
    (tmp_path / "translit").mkdir()  # the README's own `--out translit/`
    assert load_profile("translit").name == "translit"
    (tmp_path / "mine").mkdir()
    with pytest.raises(ProfileError, match="is a folder, not a profile file"):
        load_profile("mine")
