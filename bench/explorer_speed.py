"""Theme explorer with 100,000 statements and the WebGL map: filter changes and hover.

    python bench/explorer_speed.py [--statements 100000] [--repeat 12] [--hovers 200]

Builds the synthetic themed corpus of ``bench/explore_speed.py`` (8 quarters, 6 sources, 3
segment columns, 40 themes, 2,000 accounts, NPS scores, a 2-D map) with --statements statements,
then the explorer headless (the ``Explorer`` the notebook shows, widgets created with no browser)
with its WebGL map (jupyter-scatter) over every statement. Each filter change is made by setting
a widget's value, as a click does, and timed until the view has redrawn in Python (filter masks,
theme list, the selected theme's header, NPS split, trend chart, quotes, and the map's filter:
the visible points' indices handed to the scatter widget). Hover is the widget's answer to the
browser's tooltip request (the statement's text and its properties), timed for random points.
Targets (issue #18): filter change <= 0.5 s median, hover <= 100 ms.

What it does not time: the browser's side (the widget messages' trip and WebGL drawing); that is
``bench/explorer_browser.py`` (JupyterLab and headless Chromium, the same targets).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from explore_speed import PLANS, SOURCES, WORDS, make_registry, synthetic_corpus  # noqa: E402

from workbench.explore import AnalystActions, Explorer, ExplorerState  # noqa: E402
from workbench.explore import webgl  # noqa: E402

FILTER_TARGET_S = 0.5
HOVER_TARGET_S = 0.1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=12, help="changes of each kind (>= 10 for a median)")
    parser.add_argument("--hovers", type=int, default=200)
    args = parser.parse_args(argv)
    if not webgl.available():
        print("jupyter-scatter (jscatter) is not installed: pip install 'cx-insight-workbench[explore]'")
        return 2

    t0 = time.perf_counter()
    statements, assignments, responses, coords, theme_words, labels = synthetic_corpus(args.statements)
    print(f"synthetic corpus: {len(statements):,} statements, {len(responses):,} NPS responses, "
          f"{len(labels)} themes ({time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        registry, resolved = make_registry(data, assignments, theme_words, labels)
        t0 = time.perf_counter()
        state = ExplorerState(statements, resolved, registry.themes_frame(), responses, coords, registry)
        explorer = Explorer(state, AnalystActions(data), map_engine="webgl")
        print(f"state + explorer built in {time.perf_counter() - t0:.2f} s; "
              f"{len(explorer.webgl.frame):,} points on the WebGL map (every statement)")

        def timed(change) -> float:
            t = time.perf_counter()
            change()
            return time.perf_counter() - t

        def setter(widget, value):
            return lambda: setattr(widget, "value", value)

        times: dict[str, list[float]] = {"NPS category": [], "source": [], "plan": [], "search": [],
                                         "quarter range": [], "clear filters": []}
        for i in range(args.repeat):
            times["NPS category"].append(timed(setter(explorer.nps_category, (["detractor", "passive", "promoter"][i % 3],))))
            times["source"].append(timed(setter(explorer.sources, (SOURCES[i % 3],))))
            times["plan"].append(timed(setter(explorer.plan, (PLANS[i % 3],))))
            times["search"].append(timed(setter(explorer.search, WORDS[i % len(WORDS)])))
            quarters = state.quarters
            times["quarter range"].append(timed(setter(explorer.quarters, (quarters[1 + i % 4], quarters[-1]))))
            times["clear filters"].append(timed(explorer.clear_filters))
        every = [t for ts in times.values() for t in ts]
        print(f"\nfilter changes ({args.repeat} of each kind), seconds until the view has redrawn:")
        for name, ts in times.items():
            print(f"  {name:14s} median {statistics.median(ts):.3f}  max {max(ts):.3f}")
        median = statistics.median(every)
        print(f"  {'all':14s} median {median:.3f}  max {max(every):.3f}  "
              f"(n={len(every)}; target <= {FILTER_TARGET_S} s median: {'met' if median <= FILTER_TARGET_S else 'MISSED'})")

        rng = np.random.default_rng(0)
        points = rng.integers(0, len(explorer.webgl.frame), args.hovers)
        hovers = [timed(lambda p=p: explorer.webgl.hover(p)) for p in points]
        hover_median, hover_p95 = statistics.median(hovers), float(np.percentile(hovers, 95))
        print(f"\nhover ({args.hovers} random points), the widget's answer to the tooltip request:")
        print(f"  median {1000 * hover_median:.2f} ms  p95 {1000 * hover_p95:.2f} ms  max {1000 * max(hovers):.2f} ms  "
              f"(target <= {1000 * HOVER_TARGET_S:.0f} ms: {'met' if hover_p95 <= HOVER_TARGET_S else 'MISSED'})")
    return 0 if median <= FILTER_TARGET_S and hover_p95 <= HOVER_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
