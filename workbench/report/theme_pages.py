"""The insight report's theme pages, grouped by area: each theme the theme table lists has a page
(its anchor is the table's link), each area a heading (the areas table's link), and each page the
quotes behind the theme: distinct statements, from different accounts where there are enough."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .areas_view import area_anchor, mention_span
from .html import HTML, NA, esc, paragraph, pct, quote
from .insight_data import InsightData
from .quotes import TOP_QUOTES, quote_ids
from .rates import change_mark, change_text, effect_text, rate_text

#: the theme table and the pages list this many themes; the rest are counted and left to the explorer
TABLE_THEMES = 30
#: quotes on every listed theme's page but the top themes' (they get TOP_QUOTES)
QUOTES = 3


def listed_themes(summary: pd.DataFrame, limit: int = TABLE_THEMES) -> pd.DataFrame:
    """The themes the report lists (and gives a page): mentions this quarter or last, biggest first."""
    return summary[summary["mentions"] + summary["previous"] > 0].head(limit)


def theme_anchor(theme_id) -> str:
    return f"theme-{theme_id}"


def _provenance(ev: pd.Series) -> str:
    bits = [ev["source"], f"{ev['source_file']} {ev['locator']}"]
    if pd.notna(ev.get("account_id")):
        bits.append(f"account {ev['account_id']}")
    if pd.notna(ev.get("score")):
        bits.append(f"score {ev['score']:.0f}")
    if pd.notna(ev.get("date")):
        bits.append(str(pd.Timestamp(ev["date"]).date()))
    return " · ".join(str(b) for b in bits)


def theme_facts(data: InsightData, theme: pd.Series) -> str:
    mark = change_mark(theme.get("significant"), theme.get("per100_change"))
    tested = {"": "within noise", NA: "not tested"}.get(mark, mark)
    text = (
        f"{theme['mentions']} mentions this quarter, {rate_text(theme.get('per100'))} per 100 statements "
        f"({rate_text(theme.get('per100_before'))} per 100 in {data.compare_quarter}: "
        f"{change_text(theme.get('per100_change'))}, {tested}), from {theme['accounts']} accounts; "
        f"effect on NPS {effect_text(theme['impact'])} points; among {theme['scored']} scored mentions "
        f"{pct(theme['promoter_share'])} promoters and {pct(theme['detractor_share'])} detractors. "
        f"What customers said: {pct(theme.get('problem_share'))} problems, {pct(theme.get('request_share'))} "
        f"requests, {pct(theme.get('praise_share'))} praise"
    )
    if pd.notna(theme.get("negative_share", np.nan)):
        text += f"; feeling {pct(theme.get('negative_share'))} negative, {pct(theme.get('positive_share'))} positive"
    text += f". Keywords: {', '.join(theme['keywords'][:8]) or NA}. Sources: "
    sources = theme["sources"] if isinstance(theme.get("sources"), dict) else {}
    return text + (", ".join(f"{k} {v}" for k, v in sorted(sources.items())) or NA) + "."


def theme_page(data: InsightData, theme: pd.Series, n_quotes: int = TOP_QUOTES, top: bool = False,
               level: int = 3) -> HTML:
    ev = data.evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    area = theme.get("area_name")
    tag = ' <span class="wb-tag">top theme</span>' if top else ""
    head = HTML(f'<h{level} id="{esc(theme_anchor(theme["theme_id"]))}">{esc(theme["label"])}{tag} '
                f'<span class="wb-prov">{esc(theme["theme_id"])}{" · area " + esc(area) if isinstance(area, str) else ""}'
                f' · {esc(theme["journey_stage"])}</span></h{level}>')
    chosen = quote_ids(data, theme, n_quotes)
    quotes = "".join(str(quote(ev.loc[q, "text"], _provenance(ev.loc[q]), mention_span(data, q, theme["theme_id"])))
                     for q in chosen)
    if not chosen:
        quotes = str(paragraph("No statement in view this quarter to quote (the theme's mentions are from "
                               f"{data.compare_quarter})."))
    return head + paragraph(theme_facts(data, theme)) + HTML(quotes)


def theme_sections(data: InsightData, summary: pd.DataFrame, areas: pd.DataFrame, top: pd.DataFrame,
                   limit: int = TABLE_THEMES) -> HTML:
    """Every area of the areas table (biggest first), each with the pages of its listed themes;
    then the listed themes in no area. The top themes get more quotes and a tag."""
    listed = listed_themes(summary, limit)
    top_ids = set(top["theme_id"])
    parts: list[str] = []

    def pages(themes: pd.DataFrame, level: int) -> None:
        for _, theme in themes.iterrows():
            is_top = theme["theme_id"] in top_ids
            parts.append(str(theme_page(data, theme, TOP_QUOTES if is_top else QUOTES, is_top, level)))

    shown_areas = areas[areas["mentions"] + areas["previous"] > 0] if len(areas) else areas
    for _, area in shown_areas.iterrows():
        parts.append(f'<h3 id="{esc(area_anchor(area["area_id"]))}">{esc(area["area_name"])}</h3>')
        mine = listed[listed["area_id"] == area["area_id"]]
        line = (f"{area['mentions']} statements this quarter, {rate_text(area.get('per100'))} per 100; "
                f"{area['themes']} themes with mentions")
        hidden = int(area["themes"]) - int((mine["mentions"] > 0).sum())
        if hidden > 0:
            line += f" ({hidden} smaller ones are left to the theme explorer)"
        parts.append(str(paragraph(line + ".")))
        pages(mine, 4)
    rest = listed[~listed["area_id"].isin(shown_areas["area_id"])] if len(shown_areas) else listed
    if len(rest):
        if len(shown_areas):
            parts.append('<h3 id="area-none">Themes in no area</h3>')
        pages(rest, 4 if len(shown_areas) else 3)
    return HTML("".join(parts))


__all__ = ["TABLE_THEMES", "area_anchor", "listed_themes", "quote_ids", "theme_anchor", "theme_page", "theme_sections"]
