"""The insight report's map of the quarter's voice: every statement of the quarter a point, areas
and the biggest themes labelled, rendered to one inline PNG (offline, no customer text)."""
import base64
import re

import numpy as np
import pandas as pd

from workbench.report.insight_data import InsightData
from workbench.report.voice_map import NO_AREA, NO_THEME, map_points, voice_map, voice_map_chart

HOSTILE = "<script>alert(1)</script> exports"


def _data():
    rng = np.random.default_rng(0)
    rows, coords = [], []
    centres = {"T1": (0, 0), "T2": (10, 0), "T3": (0, 10), None: (10, 10)}
    for theme, (cx, cy) in centres.items():
        for quarter in ("2026Q2", "2026Q3"):
            for i in range(30):
                eid = f"{theme}-{quarter}-{i}"
                rows.append({"evidence_id": eid, "theme_id": theme, "quarter": quarter})
                coords.append({"evidence_id": eid, "x": cx + rng.normal(), "y": cy + rng.normal()})
    frame = pd.DataFrame(rows)
    themes = pd.DataFrame({"theme_id": ["T1", "T2", "T3"], "label": [HOSTILE, "audit log", "billing"],
                           "status": "active"})
    summary = themes.assign(area_name=["Data out", "Data out", "Money"], area_id=["A1", "A1", "A2"])
    empty = pd.DataFrame()
    data = InsightData("2026Q3", "2026Q2", "", frame[["evidence_id", "quarter"]], pd.DataFrame(columns=["quarter"]),
                       themes, frame[["evidence_id", "theme_id"]].dropna(), empty, empty, pd.DataFrame(), empty,
                       empty, empty)
    return data, summary, pd.DataFrame(coords)


def test_every_statement_of_the_quarter_is_a_point_with_its_area():
    data, summary, coords = _data()
    points = map_points(data, summary, coords)
    assert len(points) == 4 * 30                                   # the quarter's, themed or not
    assert points.groupby("area").size().to_dict() == {"Data out": 60, "Money": 30, NO_AREA: 30}
    assert (points.loc[points["area"] == NO_AREA, "theme"] == NO_THEME).all()


def test_areas_and_themes_are_labelled_at_their_centres():
    data, summary, coords = _data()
    spec = voice_map_chart(map_points(data, summary, coords)).to_dict()
    datasets = spec["datasets"]
    labels = {}
    for rows in datasets.values():
        for row in rows:
            if "label" in row:
                labels.setdefault(row["label"], (row["x"], row["y"]))
    assert {"Data out", "Money", HOSTILE, "audit log", "billing"} <= set(labels)
    assert NO_AREA not in labels and NO_THEME not in labels
    assert abs(labels["Money"][0]) < 1 and abs(labels["Money"][1] - 10) < 1       # the middle of T3's points
    assert abs(labels["billing"][0]) < 1 and abs(labels["audit log"][0] - 10) < 1
    points = max(datasets.values(), key=len)
    assert len(points) == 120


def test_the_map_is_one_inline_png_with_an_escaped_caption():
    data, summary, coords = _data()
    markup = str(voice_map(data, summary, coords))
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', markup).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "120 statements of 2026Q3" in markup and "Colours are the 2 areas" in markup
    assert "<script>" not in markup and "http" not in markup
    assert "wb-empty" in str(voice_map(data, summary, None))


def test_labels_that_would_overlap_are_nudged_or_left_out():
    from workbench.report.voice_map import _placed

    crowd = pd.DataFrame({"label": [f"area number {i}" for i in range(8)], "x": 5.0, "y": 5.0,
                          "n": range(8, 0, -1)})
    taken = []
    kept = _placed(crowd, 16, [0, 10], [0, 10], taken)
    assert list(kept["label"]) == [f"area number {i}" for i in range(5)]    # centre, then a line up/down twice
    assert sorted(kept["dy"]) == [-48, -24, 0, 24, 48]
    for i, a in enumerate(taken):
        for b in taken[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
