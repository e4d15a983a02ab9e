"""``robustx attack`` on Tatoeba with the tiny random encoder: sources are rewritten against the
fixed English targets; the attack beats random rewrites of the same menus at the same budget,
stays within its bounds, writes the input's layout back (the English side byte for byte), is
reproducible, and its scores are what attack.json says they are."""

from __future__ import annotations

import json
import random

import pytest

from robustx import api
from robustx.cli import main
from robustx.experiment.attack import broken, max_changes
from robustx.tasks.sources import SAMPLE_DIR


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def attacked(tiny_checkpoints, tmp_path_factory):
    out = tmp_path_factory.mktemp("tatoeba") / "adv"
    assert main(["attack", str(tiny_checkpoints["retrieval"]), "--task", "tatoeba", "--sample",
                 "--out", str(out), "--device", "cpu", "--quiet"]) == 0
    return out, json.loads((out / "attack.json").read_text(encoding="utf-8"))


def _top1_source_to_target(ckpt, sources, targets):
    """Source -> target top-1 accuracy (percent) recomputed with the head's own embedding."""
    from robustx.eval import checkpoint
    from robustx.eval.engine import EngineConfig
    from robustx.eval.heads.retrieval import embed, nearest
    from robustx.tasks import RETRIEVAL

    model, tok, _ = checkpoint.load(ckpt, RETRIEVAL, False)
    cfg = EngineConfig(device="cpu", progress=False)
    layer = min(model.config.num_hidden_layers, model.config.num_hidden_layers // 2 + 2)
    src, tgt = (embed(model, tok, list(x), layer, cfg, "mean") for x in (sources, targets))
    return 100 * sum(targets[j] == targets[i] for i, j in enumerate(nearest(src, tgt))) / len(
        sources)


def test_scores_are_source_to_target_top1_and_evaluate_scores_the_output(
        attacked, tiny_checkpoints, tmp_path):
    """clean/robust_score: source -> target top-1 on the clean and the written split;
    evaluate_*: ``robustx evaluate``'s Tatoeba accuracy (target -> source) of the same files."""
    from robustx.tasks.sources import load_splits

    out, doc = attacked
    ckpt = tiny_checkpoints["retrieval"]
    splits = load_splits("tatoeba", None, None, sample=True)
    assert set(doc["results"]) == {s.lang for s in splits}
    clean_eval = api.evaluate(ckpt, "tatoeba", data=SAMPLE_DIR / "tatoeba", device="cpu",
                              cache_dir=tmp_path / "c1")
    adv_eval = api.evaluate(ckpt, "tatoeba", data=out, device="cpu", cache_dir=tmp_path / "c2")
    for split in splits:
        r = doc["results"][split.lang]
        adv = _rows(out / "tatoeba" / f"{split.lang}.jsonl")
        clean = list(split.dataset)
        assert [a["target_sentence"] for a in adv] == [c["target_sentence"] for c in clean]
        assert r["clean_score"] == pytest.approx(_top1_source_to_target(
            ckpt, [c["source_sentence"] for c in clean], [c["target_sentence"] for c in clean]),
            abs=1e-4)
        assert r["robust_score"] == pytest.approx(_top1_source_to_target(
            ckpt, [a["source_sentence"] for a in adv], [a["target_sentence"] for a in adv]),
            abs=1e-4)
        assert r["robust_score"] <= r["clean_score"]
        changed = sum(a != c for a, c in zip(adv, clean, strict=True))
        assert changed <= r["attacked"]  # only sources the model retrieved right are rewritten
        assert r["succeeded"] <= r["attacked"] == round(r["clean_score"] * r["n"] / 100)
        assert r["evaluate_clean_score"] == pytest.approx(
            clean_eval["results"][split.lang]["score"])
        assert r["evaluate_robust_score"] == pytest.approx(
            adv_eval["results"][split.lang]["score"])
    rows = list(doc["results"].values())
    for k in ("robust_score", "evaluate_robust_score"):
        assert doc["average"][k] == pytest.approx(sum(r[k] for r in rows) / len(rows), abs=1e-4)
    # the two directions differ: attack.json's own score is not evaluate's
    assert any(r["robust_score"] != r["evaluate_robust_score"] for r in doc["results"].values())


def test_attack_beats_random_rewrites_of_the_same_menus_and_budget(attacked, tiny_checkpoints):
    from robustx.eval.probe import Scorer
    from robustx.noise.pipeline import coverage, make_plan
    from robustx.noise.profiles import load_profile
    from robustx.tasks.sources import load_splits
    from tests.experiment.baseline import random_rewrites

    _, doc = attacked
    prof = load_profile("typo").at(None)
    flips = draws = 0
    for split in load_splits("tatoeba", None, None, sample=True):
        disabled, passthrough = coverage(prof, [split.lang], None)
        plan = make_plan(split, prof, 12345, disabled, frozenset(passthrough))
        scorer = Scorer(tiny_checkpoints["retrieval"], split, device="cpu")
        rows = list(split.dataset)
        noisy, before = random_rewrites(rows, scorer(rows), plan, random.Random(0))
        if noisy:
            flips += sum(broken(c, o) for c, o in zip(before, scorer(noisy), strict=True))
            draws += len(noisy)
    random_rate = 100 * flips / draws
    success = 100 * (sum(r["succeeded"] for r in doc["results"].values())
                     / sum(r["attacked"] for r in doc["results"].values()))
    print(f"tatoeba attack success {success:.1f}% vs random flips {random_rate:.1f}%")
    assert success >= 50 and success >= 2 * random_rate, (success, random_rate)


def _laser_tree(root, rows):
    folder = root / "tatoeba"
    folder.mkdir(parents=True)
    (folder / "tatoeba.deu-eng.deu").write_text(
        "".join(r["source_sentence"] + "\n" for r in rows), encoding="utf-8")
    (folder / "tatoeba.deu-eng.eng").write_text(
        "".join(r["target_sentence"] + "\n" for r in rows), encoding="utf-8")
    return root


def test_laser_layout_comes_back_within_bounds_and_reproducible(tiny_checkpoints, tmp_path):
    from robustx.tasks.sources import load_splits

    split, = load_splits("tatoeba", ["de"], None, sample=True)
    data = _laser_tree(tmp_path / "in", list(split.dataset))
    ckpt = str(tiny_checkpoints["retrieval"])
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert main(["attack", ckpt, "--task", "tatoeba", "--data", str(data), "--out",
                     str(out), "--device", "cpu", "--quiet", "--budget", "0.2",
                     "--max-queries", "4"]) == 0
        outs.append(out)
    a, b = outs
    src, eng = "tatoeba/tatoeba.deu-eng.deu", "tatoeba/tatoeba.deu-eng.eng"
    assert (a / eng).read_bytes() == (data / eng).read_bytes()  # the English side is never
    assert (a / src).read_bytes() == (b / src).read_bytes()     # attacked; same seed, same bytes
    doc = json.loads((a / "attack.json").read_text(encoding="utf-8"))
    r = doc["results"]["de"]
    assert r["attacked"] and r["mean_queries"] <= 4
    clean = (data / src).read_text(encoding="utf-8").splitlines()
    adv = (a / src).read_text(encoding="utf-8").splitlines()
    assert len(adv) == len(clean) and adv != clean
    for x, y in zip(clean, adv, strict=True):
        wx, wy = x.split(), y.split()
        assert len(wx) == len(wy)
        assert sum(p != q for p, q in zip(wx, wy, strict=True)) <= max_changes(len(wx), 0.2)
    scores = api.evaluate(ckpt, "tatoeba", data=a, device="cpu", cache_dir=tmp_path / "c")
    assert scores["results"]["de"]["score"] == pytest.approx(r["evaluate_robust_score"])


def test_unaligned_tatoeba_files_exit_2(tiny_checkpoints, tmp_path, capsys):
    """XTREME's unaligned Tatoeba files (one side a row, no pairing by row) have no gold to
    attack: one line and exit 2."""
    from robustx.tasks.sources import load_splits

    split, = load_splits("tatoeba", ["de"], None, sample=True)
    rows = list(split.dataset)
    folder = tmp_path / "xt" / "t"
    folder.mkdir(parents=True)
    (folder / "de-en.de").write_text("".join(r["source_sentence"] + "\n" for r in rows),
                                     encoding="utf-8")
    (folder / "de-en.en").write_text("".join(r["target_sentence"] + "\n" for r in rows),
                                     encoding="utf-8")
    out = tmp_path / "o"
    assert main(["attack", str(tiny_checkpoints["retrieval"]), "--task", "tatoeba", "--data",
                 str(tmp_path / "xt"), "--out", str(out), "--device", "cpu", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("robustx: error:") and "no gold" in err and "Traceback" not in err
    assert not out.exists()


def _forward_margin_top1(ckpt, clean_sources, sources, targets, k=4):
    """Percent of pairs whose source's best target by the forward ratio margin is its own,
    the targets' neighbourhood means taken over the clean sources (recomputed here)."""
    import numpy as np

    from robustx.eval import checkpoint
    from robustx.eval.engine import EngineConfig
    from robustx.eval.heads.retrieval import embed
    from robustx.tasks import RETRIEVAL

    model, tok, _ = checkpoint.load(ckpt, RETRIEVAL, False)
    n = model.config.num_hidden_layers
    layer = max(n - 4, min(n, n // 2 + 2))
    cfg = EngineConfig(device="cpu", progress=False)
    x0, x, y = (embed(model, tok, list(t), layer, cfg, "cls")
                for t in (clean_sources, sources, targets))
    y_mean = np.sort(y @ x0.T, axis=1)[:, ::-1][:, :k].mean(axis=1)
    cos = x @ y.T
    x_mean = np.sort(cos, axis=1)[:, ::-1][:, :k].mean(axis=1)
    margin = cos / ((x_mean[:, None] + y_mean[None, :]) / 2)
    return 100 * float(np.mean(margin.argmax(axis=1) == np.arange(len(sources))))


def test_bucc_sample_scores(tiny_checkpoints, tmp_path):
    """BUCC: clean/robust_score are forward-margin top-1 over the gold pairs of the clean and
    the written split; evaluate_* are evaluate's F1 of the clean input and of the output."""
    ckpt = tiny_checkpoints["retrieval"]
    out = tmp_path / "adv"
    doc = api.attack(ckpt, "bucc", out, sample=True, langs=["de", "zh"], device="cpu")
    rows = list(doc["results"].values())
    assert sum(r["attacked"] for r in rows) and sum(r["succeeded"] for r in rows)
    clean_eval = api.evaluate(ckpt, "bucc", data=SAMPLE_DIR / "bucc", langs=["de", "zh"],
                              device="cpu", cache_dir=tmp_path / "c1")
    adv_eval = api.evaluate(ckpt, "bucc", data=out, device="cpu", cache_dir=tmp_path / "c2")
    for lang, r in doc["results"].items():
        clean = _rows(SAMPLE_DIR / "bucc" / f"{lang}.jsonl")
        adv = _rows(out / "bucc" / f"{lang}.jsonl")
        assert [a["target_sentence"] for a in adv] == [c["target_sentence"] for c in clean]
        for rows, key in ((clean, "clean_score"), (adv, "robust_score")):
            assert r[key] == pytest.approx(_forward_margin_top1(
                ckpt, [c["source_sentence"] for c in clean], [x["source_sentence"] for x in rows],
                [c["target_sentence"] for c in clean]), abs=1e-4)
        assert r["robust_score"] <= r["clean_score"]
        assert r["succeeded"] <= r["attacked"] == round(r["clean_score"] * r["n"] / 100)
        assert r["evaluate_clean_score"] == pytest.approx(clean_eval["results"][lang]["score"])
        assert r["evaluate_robust_score"] == pytest.approx(adv_eval["results"][lang]["score"])


def test_bucc_files_come_back_with_ids_gold_and_english_unchanged(tiny_checkpoints, tmp_path):
    """XTREME's BUCC layout (ids, full corpora, a gold file): only sources with a gold partner
    are rewritten, the English and gold files come back byte for byte, reproducibly."""
    from tests.tasks.io.test_xtreme_layouts import BUCC_DE, BUCC_EN, BUCC_GOLD, write_tree

    data = write_tree(tmp_path / "in", {"bucc2018/de-en.dev.de": BUCC_DE,
                                        "bucc2018/de-en.dev.en": BUCC_EN,
                                        "bucc2018/de-en.dev.gold": BUCC_GOLD})
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert main(["attack", str(tiny_checkpoints["retrieval"]), "--task", "bucc", "--data",
                     str(data / "bucc2018"), "--out", str(out), "--device", "cpu", "--quiet",
                     "--budget", "0.5"]) == 0
        outs.append(out)
    a, b = outs
    for f in ("de-en.dev.en", "de-en.dev.gold"):
        assert (a / f).read_bytes() == (data / "bucc2018" / f).read_bytes()
    assert (a / "de-en.dev.de").read_bytes() == (b / "de-en.dev.de").read_bytes()
    gold = {line.split("\t")[0] for line in BUCC_GOLD.splitlines()}
    clean = [line.split("\t") for line in BUCC_DE.splitlines()]
    adv = [line.split("\t") for line in
           (a / "de-en.dev.de").read_text(encoding="utf-8").splitlines()]
    assert [x[0] for x in adv] == [x[0] for x in clean]
    for (id_, text), (_, new) in zip(clean, adv, strict=True):
        assert id_ in gold or new == text  # no gold partner: never attacked
        assert sum(p != q for p, q in zip(text.split(), new.split(), strict=True)) <= \
            max_changes(len(text.split()), 0.5)


def test_compare_attack_runs_on_tatoeba(tiny_checkpoints, tmp_path, monkeypatch):
    """compare --attack attacks both encoders and scores the adversarial splits as evaluate
    does (XTREME's direction); the success rates are the attacks' own."""
    from tests.fixtures.tiny_models import build

    monkeypatch.setenv("ROBUSTX_CACHE", str(tmp_path / "cache"))
    other = build("retrieval", tmp_path / "b", seed=7)
    out = tmp_path / "report"
    assert main(["compare", str(tiny_checkpoints["retrieval"]), str(other), "--task",
                 "tatoeba", "--sample", "--lang", "de", "--attack", "--out", str(out),
                 "--device", "cpu", "--quiet"]) == 0
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [c["key"] for c in doc["conditions"]] == ["clean", "typo-s3", "attack-s3",
                                                    "attack-transfer-s3"]
    for k in "AB":
        adv = out / "attack" / k
        own = json.loads((adv / "attack.json").read_text(encoding="utf-8"))
        assert doc["settings"]["attack"]["success_rate"][k] == own["average"]["success_rate"]
        row = {r["lang"]: r for r in doc["results"] if r["profile"] == "attack"}["de"]
        assert row["score_" + k.lower()] == pytest.approx(
            own["results"]["de"]["evaluate_robust_score"])
