"""Theme explorer responsiveness with 50,000 statements.

    python bench/explore_speed.py [--statements 50000] [--repeat 5] [--browser]

Builds a synthetic themed corpus (--statements statements over 8 quarters, 6 sources, 3 segment
columns, 40 themes, 2,000 accounts, NPS scores on the survey comments, a 2-D map), then the
explorer headless (the same ``Explorer`` the notebook shows, widgets created with no browser)
with a theme registry in a temporary data folder. Each filter change is made by setting a
widget's value, exactly as a user's click does, and timed until the view has redrawn (theme list,
selected theme's details, trend chart, quotes, map). Target: every filter change <= 1 s.
Also timed: sort changes, theme selection, a map region, and two analyst actions (rename, undo;
they read and write the registry file).

With ``--browser`` it then runs ``bench/explorer_browser.py`` with the same --statements: the
explorer in JupyterLab and headless Chromium, filter changes made in the page and hover on the
WebGL map, timed in the page (see that script for what is timed).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import store
from workbench.explore import AnalystActions, Explorer, ExplorerState
from workbench.themes.registry import ThemeRegistry, default_path

QUARTERS = [str(q) for q in pd.period_range("2024Q4", "2026Q3", freq="Q")]
SOURCES = ["nps", "ticket", "csat", "transcript", "session_note", "ces"]
INDUSTRIES = ["Retail", "Banking", "Health", "Logistics", "Software"]
PLANS = ["Starter", "Team", "Enterprise"]
REGIONS = ["EMEA", "NA", "APAC", "LATAM"]
WORDS = ("invoice billing export excel dashboard slow sync salesforce onboarding training support ticket mobile "
         "app crash login sso okta report filter api webhook latency price renewal contract admin permission "
         "search notification slack email calendar integration data import csv template workflow approval "
         "audit security outage upgrade feature request bug fix great easy love hate confusing fast").split()


def synthetic_corpus(n: int, n_themes: int = 40, seed: int = 3):
    rng = np.random.default_rng(seed)
    accounts = np.array([f"A{i:05d}" for i in range(2000)])
    account_segment = {"industry": rng.choice(INDUSTRIES, 2000), "plan": rng.choice(PLANS, 2000),
                       "region": rng.choice(REGIONS, 2000)}
    acc = rng.integers(0, 2000, n)
    theme = rng.zipf(1.4, n) % n_themes  # a few big themes, a long tail
    theme[rng.random(n) < 0.05] = -1  # outliers
    quarter = rng.integers(0, len(QUARTERS), n)
    source = rng.choice(SOURCES, n, p=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    score = np.where(source == "nps", rng.integers(0, 11, n).astype(float), np.nan)
    theme_words = [rng.choice(WORDS, 3, replace=False) for _ in range(n_themes)]
    texts = []
    for t in theme:
        words = list(rng.choice(WORDS, rng.integers(5, 12)))
        if t >= 0:
            words[: 2] = theme_words[t][:2]
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
    days = rng.integers(0, 90, n)
    dates = [pd.Period(QUARTERS[q], "Q").start_time + pd.Timedelta(days=int(d)) for q, d in zip(quarter, days)]
    ids = np.array([f"ev_{i:016x}" for i in range(n)])
    statements = pd.DataFrame({
        "evidence_id": ids, "source": source, "kind": "comment", "source_file": "surveys/synthetic.csv",
        "locator": [f"row {i + 2}" for i in range(n)], "account_id": accounts[acc], "persona": None,
        "speaker_role": "customer", "date": pd.to_datetime(dates), "quarter": np.array(QUARTERS)[quarter],
        "industry": account_segment["industry"][acc], "plan": account_segment["plan"][acc],
        "region": account_segment["region"][acc], "score": score, "text": texts,
    })
    theme_ids = np.array([f"T{k + 1:04d}" for k in range(n_themes)])
    assignments = pd.DataFrame({"evidence_id": ids, "cluster": theme,
                                "theme_id": np.where(theme >= 0, theme_ids[np.maximum(theme, 0)], None)})
    nps = statements[statements["source"] == "nps"]
    silent = nps.sample(frac=0.25, random_state=seed).assign(evidence_id=None, text=None)
    responses = pd.concat([nps, silent], ignore_index=True)
    responses = responses.assign(response_id=[f"R{i:07d}" for i in range(len(responses))],
                                 score=responses["score"].astype(int))
    centres = rng.normal(scale=10, size=(n_themes + 1, 2))
    xy = centres[theme] + rng.normal(size=(n, 2))
    statement_map = pd.DataFrame({"evidence_id": ids, "x": xy[:, 0], "y": xy[:, 1]})
    labels = [" / ".join(w[:2]) for w in theme_words]
    return statements, assignments, responses, statement_map, theme_words, labels


def make_registry(data_dir: Path, assignments: pd.DataFrame, theme_words, labels) -> ThemeRegistry:
    n_themes = len(labels)
    clusters = assignments["cluster"].to_numpy()
    fit = pd.DataFrame({"theme": range(n_themes), "label": labels, "keywords": [list(w) for w in theme_words],
                        "size": [int((clusters == k).sum()) for k in range(n_themes)]})
    centroids = np.random.default_rng(0).normal(size=(n_themes, 16))
    registry = ThemeRegistry()
    match = registry.match(fit, centroids, assignments[["evidence_id", "cluster"]], QUARTERS[-1],
                           cluster_column="cluster")
    registry.save(default_path(data_dir))
    return registry, match.assignments[["evidence_id", "theme_id"]]


def timed(explorer: Explorer, change) -> float:
    t0 = time.perf_counter()
    change()
    return time.perf_counter() - t0


def write_data_folder(data_dir: Path, statements, resolved, responses, coords, registry) -> None:
    """The corpus as `workbench quarterly` leaves a data folder: store tables, the statement map
    as it is cached (made by UMAP with the default seed), and the theme registry (saved already)."""
    from workbench.themes.statement_map import DEFAULT_SEED

    coords = coords.assign(method="umap", seed=DEFAULT_SEED)
    themes = registry.themes_frame().assign(journey_stage="adoption")
    for column in ("keywords", "pinned_quotes"):
        themes[column] = [json.dumps(v) for v in themes[column]]
    store.save_tables(data_dir, {"evidence": statements, "nps_responses": responses, "theme_assignments": resolved,
                                 "themes": themes, "statement_map": coords})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds of the whole set of changes")
    parser.add_argument("--browser", action="store_true",
                        help="then time filter changes and hover in JupyterLab in Chromium (bench/explorer_browser.py)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    statements, assignments, responses, coords, theme_words, labels = synthetic_corpus(args.statements)
    print(f"synthetic corpus: {len(statements):,} statements, {len(responses):,} NPS responses, "
          f"{len(labels)} themes, {len(QUARTERS)} quarters ({time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        registry, resolved = make_registry(data_dir, assignments, theme_words, labels)
        themes = registry.themes_frame()
        t1 = time.perf_counter()
        state = ExplorerState(statements, resolved, themes, responses, coords, registry)
        explorer = Explorer(state, AnalystActions(data_dir, who="bench"))
        print(f"state + explorer built in {time.perf_counter() - t1:.2f} s; first draw {explorer.last_refresh_s:.3f} s")

        rng = np.random.default_rng(11)
        sorts = iter(["impact", "growth", "size"] * (2 * args.repeat + 2))
        filters = {
            "quarter range": lambda: setattr(explorer.quarters, "index",
                                             tuple(sorted(rng.choice(len(QUARTERS), 2, replace=False).tolist()))),
            "source": lambda: setattr(explorer.sources, "value",
                                      tuple(rng.choice(SOURCES, rng.integers(1, 3), replace=False).tolist())),
            "industry": lambda: setattr(explorer.industry, "value", tuple(rng.choice(INDUSTRIES, 2, replace=False).tolist())),
            "plan": lambda: setattr(explorer.plan, "value", (str(rng.choice(PLANS)),)),
            "region": lambda: setattr(explorer.region, "value", tuple(rng.choice(REGIONS, 2, replace=False).tolist())),
            "NPS category": lambda: setattr(explorer.nps_category, "value",
                                            (str(rng.choice(["promoter", "passive", "detractor", "no score"])),)),
            "search": lambda: setattr(explorer.search, "value", " ".join(rng.choice(WORDS, rng.integers(1, 3)).tolist())),
        }

        def other_theme():
            ids = [v for _, v in explorer.theme_list.options if v != explorer.selected]
            explorer.select(str(rng.choice(ids)))

        others = {
            "sort": lambda: setattr(explorer.sort_by, "value", next(sorts)),
            "select theme": other_theme,
            "map region": lambda: explorer.select_region(tuple(sorted(rng.uniform(-20, 20, 2))),
                                                         tuple(sorted(rng.uniform(-20, 20, 2)))),
        }
        single: dict[str, list[float]] = {name: [] for name in filters}
        stacked: dict[str, list[float]] = {name: [] for name in [*filters, "clear filters"]}
        rest: dict[str, list[float]] = {name: [] for name in [*others, "rename", "undo"]}
        matched, payload = [], []
        for _ in range(args.repeat):
            for name, change in filters.items():  # each filter alone, on all statements
                explorer.clear_button.click()
                single[name].append(timed(explorer, change))
                matched.append(explorer.state.counts()["statements"])
                payload.append(len(explorer.map_output.outputs[0]["data"]["text/html"]) if explorer.map_output.outputs else 0)
            explorer.clear_button.click()
            for name, change in filters.items():  # one after another, narrowing the set
                stacked[name].append(timed(explorer, change))
            stacked["clear filters"].append(timed(explorer, explorer.clear_button.click))
            for name, change in others.items():
                rest[name].append(timed(explorer, change))
            theme = explorer.selected

            def rename():
                explorer.rename_label.value = f"renamed {rng.integers(1000)}"
                explorer.rename_button.click()

            rest["rename"].append(timed(explorer, rename))
            assert dict((v, k) for k, v in explorer.theme_list.options)[theme].startswith("renamed")
            rest["undo"].append(timed(explorer, explorer.undo_button.click))

    def table(title, times):
        print(f"\n{title}\n{'change':<16}{'n':>4}{'median s':>11}{'max s':>9}")
        for name, values in times.items():
            print(f"{name:<16}{len(values):>4}{statistics.median(values):>11.3f}{max(values):>9.3f}")

    table("each filter alone, from no filter (all statements):", single)
    print(f"statements matched after it: median {statistics.median(matched):,.0f}; map chart sent to the browser: "
          f"median {statistics.median(payload) / 1e3:,.0f} kB")
    table("filters stacked one after another, then cleared:", stacked)
    table("other interactions:", rest)
    filter_times = [t for times in (single, stacked) for values in times.values() for t in values]
    worst = max(filter_times)
    print(f"\nall filter changes (headless): n={len(filter_times)}, median {statistics.median(filter_times):.3f} s, "
          f"max {worst:.3f} s (target <= 1 s) {'PASS' if worst <= 1.0 else 'FAIL'}")
    print(f"drawn per refresh: up to {explorer.map_limit:,} map points, {explorer.quote_limit} quotes")
    status = 0 if worst <= 1.0 else 1
    if args.browser:
        from explorer_browser import main as in_the_browser

        print("\nin JupyterLab and headless Chromium (bench/explorer_browser.py):", flush=True)
        status = max(status, in_the_browser(["--statements", str(args.statements)]))
    return status


if __name__ == "__main__":
    sys.exit(main())
