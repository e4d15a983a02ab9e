"""PNG plots of a ``robustx.report/1`` document (matplotlib, Agg backend, imported on use).

- ``<profile>-severity.png``: language-average score vs severity (0 = clean), A and B; and
  beside it B − A and B's gap − A's gap with their bootstrap confidence bands.
- ``gap-heatmap.png``: robustness gap (clean − noisy, points) per language x condition,
  one panel per checkpoint on a shared colour scale.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "profile"


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    tmp.replace(path)
    return path


def severity_plot(doc: dict[str, Any], profile: str, path: Path) -> Path | None:
    """Average score vs severity for ``profile``; None when there is nothing to draw."""
    plt = _pyplot()
    avg = {(r["profile"], r["severity"]): r for r in doc["results"] if r["lang"] == "all"}
    points = sorted(s for p, s in avg if p == profile)
    if not points:
        return None
    xs = ([0] if ("clean", 0) in avg else []) + points
    fig, (ax, delta) = plt.subplots(1, 2, figsize=(10, 3.5))
    rows = [avg[("clean", 0) if x == 0 else (profile, x)] for x in xs]
    for key, label, color in (("diff", "B − A", "C2"), ("gap_diff", "gap B − gap A", "C3")):
        pts = [(x, r[key]) for x, r in zip(xs, rows, strict=True) if r.get(key)]
        if not pts:
            continue
        px = [x for x, _ in pts]
        delta.plot(px, [d["estimate"] for _, d in pts], marker="o", color=color, label=label)
        delta.fill_between(px, [d["ci_low"] for _, d in pts], [d["ci_high"] for _, d in pts],
                           color=color, alpha=0.2)
    conf = doc.get("settings", {}).get("bootstrap", {}).get("confidence", 0.95)
    delta.axhline(0, color="grey", lw=0.8)
    delta.set_xticks(xs, ["clean" if x == 0 else str(x) for x in xs])
    delta.set_xlabel(f"{profile} severity")
    delta.set_ylabel(f"points ({conf:.0%} CI band)")
    delta.set_title("B against A: score and robustness gap")
    delta.legend()
    delta.grid(alpha=0.3)
    for key, label in (("score_a", "A"), ("score_b", "B")):
        ys = [avg[("clean", 0) if x == 0 else (profile, x)][key] for x in xs]
        name = doc["checkpoints"][label]["name"]
        ax.plot(xs, ys, marker="o", label=f"{label}: {Path(name).name or name}")
    ax.set_xticks(xs, ["clean" if x == 0 else str(x) for x in xs])
    ax.set_xlabel(f"{profile} severity")
    ax.set_ylabel(f"{doc['metric']} (average over languages)")
    ax.set_title(f"{doc['task']}: score under {profile} noise")
    ax.legend()
    ax.grid(alpha=0.3)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def gap_heatmap(doc: dict[str, Any], path: Path) -> Path | None:
    """Per-language robustness gap of A and B over every noisy condition."""
    import numpy as np

    plt = _pyplot()
    conds = [(c["profile"], c["severity"]) for c in doc["conditions"] if c["profile"] != "clean"]
    langs = list(doc["languages"])
    if not conds or not langs:
        return None
    rows = {(r["lang"], r["profile"], r["severity"]): r for r in doc["results"]}
    grids = {}
    for label in "ab":
        grid = np.full((len(langs), len(conds)), np.nan)
        for i, lang in enumerate(langs):
            for j, (p, s) in enumerate(conds):
                r = rows.get((lang, p, s))
                if r is not None:
                    grid[i, j] = r[f"gap_{label}"]
        grids[label] = grid
    finite = np.concatenate([g[np.isfinite(g)] for g in grids.values()])
    vmax = max(1e-9, float(np.abs(finite).max())) if finite.size else 1.0
    fig, axes = plt.subplots(1, 2, figsize=(2 + 1.2 * len(conds) * 2, 1.5 + 0.35 * len(langs)),
                             squeeze=False)
    image = None
    for ax, label in zip(axes[0], "ab", strict=True):
        image = ax.imshow(grids[label], cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(conds)), [f"{p} s{s}" for p, s in conds], rotation=45,
                      ha="right")
        ax.set_yticks(range(len(langs)), langs)
        ax.set_title(f"gap {label.upper()} (clean − noisy)")
        for i in range(len(langs)):
            for j in range(len(conds)):
                v = grids[label][i, j]
                dark = not np.isnan(v) and abs(v) > 0.6 * vmax  # light text on dark cells
                ax.text(j, i, "–" if np.isnan(v) else f"{v:.1f}", ha="center", va="center",
                        fontsize=7, color="white" if dark else "black")
    fig.colorbar(image, ax=axes[0].tolist(), label=f"{doc['metric']} points")
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def write_all(doc: dict[str, Any], folder: str | Path) -> list[Path]:
    """Every plot for the report; returns the files written."""
    folder = Path(folder)
    out = [severity_plot(doc, p, folder / f"{_safe(p)}-severity.png")
           for p in doc["profiles"] if p != "clean"]
    out.append(gap_heatmap(doc, folder / "gap-heatmap.png"))
    return [p for p in out if p is not None]
