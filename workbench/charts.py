"""Chart pieces shared by the reports and the explorer: the inlined Vega bundle and JSON that is
safe inside a ``<script>`` element.

Both draw Vega-Lite specs in the page with no network: the Vega/Vega-Lite/vega-embed bundle
comes from vl-convert (no download), and chart data is JSON with ``<``, ``>`` and ``&`` escaped,
so a customer's text inside a chart can never close the script element.
"""
from __future__ import annotations

import json
from functools import lru_cache

import vl_convert as vlc


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript, as one script (built once per process)."""
    return vlc.javascript_bundle()


def safe_json(obj) -> str:
    """JSON that is safe inside a <script> element."""
    return (
        json.dumps(obj, sort_keys=True, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


__all__ = ["BETTER", "DIVERGING", "NEUTRAL", "SEQUENTIAL", "WORSE", "vega_bundle", "safe_json"]


# --- the colours every chart and report page uses ------------------------------------------------
# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/): blue for better,
# vermillion-orange for worse, grey for no change. Colour is never the only cue: the pages and
# charts also say it with a sign, an arrow or a word.
BETTER = "#0072B2"
WORSE = "#D55E00"
NEUTRAL = "#999999"
#: Vega's blue–orange diverging scheme, reversed where a low value is bad (orange low, blue high)
DIVERGING = "blueorange"
#: a single-hue scheme for amounts (shares, counts)
SEQUENTIAL = "blues"
