"""Themes for any table of texts, without a data folder: what ``workbench themes fit`` and the
quality benches run.

    result = theme_texts(frame, encode=embed)      # frame: id, text

Each text is split into mentions (sentences, and clauses joining two concerns), each mention is
embedded and themed, themes get names in the customers' words and are grouped into areas. A text
belongs to every theme one of its mentions is in. Texts surely in a language the embedding model
does not read are kept in one group per language ("Spanish texts, not themed"), not themed.
Same inputs and ``seed`` give the same result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..contract import unit_rows
from .areas import group_areas
from .language import foreign_languages
from .mentions import mention_core, mention_table
from .summaries import closeness

Encode = Callable[[list[str]], np.ndarray]

#: languages the default embedding model reads; texts surely in another are kept apart
MODEL_LANGUAGES = ("en",)
LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "da": "Danish", "sv": "Swedish", "nb": "Norwegian", "fi": "Finnish",
                  "pl": "Polish", "cs": "Czech", "tr": "Turkish", "ru": "Russian", "ja": "Japanese",
                  "zh": "Chinese", "ko": "Korean", "ar": "Arabic", "hi": "Hindi"}


def language_groups(ids, languages, model_languages: tuple[str, ...] = MODEL_LANGUAGES,
                    noun: str = "statements") -> pd.DataFrame:
    """Texts surely in a language the embedding model does not read, one group per language:
    ``evidence_id``, ``theme_id`` (``LANG-es``), ``name`` ("Spanish statements, not themed").

    Themed with an English model, such texts cluster by their language's function words into one
    keyword theme; kept apart they are counted and quoted honestly instead."""
    languages = pd.Series(list(languages), dtype=object)
    foreign = (languages.notna() & ~languages.isin(model_languages)).to_numpy()
    codes = languages[foreign]
    return pd.DataFrame({
        "evidence_id": np.asarray(list(ids), dtype=object)[foreign],
        "theme_id": [f"LANG-{c}" for c in codes],
        "name": [f"{LANGUAGE_NAMES.get(c, c)} {noun}, not themed" for c in codes],
    })


def name_clusters(themes: pd.DataFrame, labels: np.ndarray, centroids: np.ndarray, texts: list[str],
                  encode: Encode) -> pd.DataFrame:
    """The fitted themes (``theme``, ``label``, ``keywords``) with a ``label`` in the customers'
    words (:func:`.names.theme_names`); the keyword label moves to ``keyword_label``."""
    from .names import theme_names

    out = themes.copy()
    out["keyword_label"] = out["label"]
    if not len(out):
        return out
    labels = np.asarray(labels)
    members = [[texts[i] for i in np.where(labels == int(t))[0]] for t in out["theme"]]
    out["label"] = theme_names(members, np.asarray(centroids)[: len(out)], encode,
                               keywords=[list(k or []) for k in out["keywords"]])
    return out


@dataclass
class TextThemes:
    """What :func:`theme_texts` found. ``mentions``: one row per mention (``id``, ``mention``,
    ``start``, ``end``, ``text``, ``theme_id``, ``area_id``, ``closeness``); ``assignments``: one row
    per (``id``, ``theme_id``) pair, with ``area_id``; ``themes`` and ``areas``: one row each, with
    ``name``, ``keywords``, ``size`` (texts that mention it) and ``mentions``."""

    mentions: pd.DataFrame
    assignments: pd.DataFrame
    themes: pd.DataFrame
    areas: pd.DataFrame
    coverage: float


def theme_texts(frame: pd.DataFrame, *, encode: Encode, seed: int = 42, model=None, split: bool = True,
                keep_languages_apart: bool = True, min_areas: int | None = None,
                max_areas: int | None = None) -> TextThemes:
    """Theme the ``text`` column of ``frame`` (ids in ``id``). See the module docstring.

    ``encode``: texts -> L2-normalised rows (the embedding model); ``model``: a theme model with
    ``fit(texts, embeddings)`` giving ``labels_``, ``themes_``, ``centroids_`` (default
    :class:`.model.ThemeModel` with ``seed``); ``split=False`` themes whole texts (one mention
    each); ``keep_languages_apart=False`` themes every text whatever its language.
    """
    from .model import ThemeModel
    from .area_names import area_names

    frame = frame[["id", "text"]].astype({"id": str, "text": str}).reset_index(drop=True)
    routed = (language_groups(frame["id"], foreign_languages(frame["text"]), noun="texts") if keep_languages_apart
              else language_groups([], []))
    themed = frame[~frame["id"].isin(routed["evidence_id"])].reset_index(drop=True)
    if split:
        mentions = mention_table(themed.rename(columns={"id": "evidence_id"})).rename(columns={"evidence_id": "id"})
    else:
        mentions = themed.assign(mention=0, start=0, end=themed["text"].str.len(),
                                 core=themed["text"].map(mention_core))[["id", "mention", "start", "end", "text", "core"]]
    # fitted and named on what each mention is about, without the fillers it opens with; each
    # distinct core fitted once (see fitting.fit_distinct: copies would form components of their own)
    cores, inverse = np.unique(mentions["core"].to_numpy(dtype=str), return_inverse=True)
    distinct = encode(cores.tolist()) if len(cores) else np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(distinct)[inverse] if len(cores) else distinct
    model = model if model is not None else ThemeModel(random_state=seed)
    if len(mentions):
        model.fit(cores.tolist(), embeddings=distinct)
        labels = np.asarray(model.labels_, dtype=int)[inverse]
        themes = model.themes_.assign(size=[int((labels == t).sum()) for t in model.themes_["theme"]])
        fitted = name_clusters(themes, labels, model.centroids_, mentions["core"].tolist(), encode)
    else:
        fitted, labels = pd.DataFrame(columns=["theme", "label", "keywords", "size", "keyword_label"]), np.zeros(0, int)
    mentions["theme_id"] = pd.Series(labels).where(labels >= 0).astype("Int64").to_numpy()
    sizes = np.asarray([max(int((labels == t).sum()), 1) for t in fitted["theme"]], dtype=float)
    kwargs = {k: v for k, v in {"min_areas": min_areas, "max_areas": max_areas}.items() if v is not None}
    area_of = (np.asarray(group_areas(model.centroids_, sizes, **kwargs), dtype=int) if len(fitted) > 1
               else np.zeros(len(fitted), dtype=int))
    mentions["area_id"] = [int(area_of[t]) if t >= 0 else pd.NA for t in labels]
    mentions["closeness"] = closeness(mentions["theme_id"].to_numpy(dtype=object), vectors) if len(mentions) else []

    themes = fitted.rename(columns={"theme": "theme_id", "label": "name"})[["theme_id", "name", "keywords", "keyword_label"]]
    themes["area_id"] = area_of[: len(themes)]
    areas = pd.DataFrame({"area_id": sorted(set(area_of.tolist()))})
    if len(areas):
        members = [mentions.loc[mentions["area_id"] == a, "core"].tolist() for a in areas["area_id"]]
        centroids = np.vstack([(model.centroids_[area_of == a] * sizes[area_of == a, None]).sum(axis=0)
                               for a in areas["area_id"]])
        centroids = unit_rows(centroids)
        keywords = [list(dict.fromkeys(k for t in np.argsort(-sizes * (area_of == a), kind="stable")[:5]
                                       if area_of[t] == a for k in list(fitted["keywords"].iat[t])[:3]))
                    for a in areas["area_id"]]
        in_area = [np.argsort(-sizes * (area_of == a), kind="stable")[: int((area_of == a).sum())] for a in areas["area_id"]]
        areas["name"] = area_names(members, centroids, encode, keywords=keywords,
                                   theme_names=[[fitted["label"].iat[t] for t in ts] for ts in in_area],
                                   theme_keywords=[[list(fitted["keywords"].iat[t]) for t in ts] for ts in in_area])
        areas["keywords"] = keywords
    else:
        areas["name"], areas["keywords"] = [], []
    pairs = mentions.dropna(subset=["theme_id"]).sort_values(["id", "theme_id", "closeness"], ascending=[True, True, False])
    counts = pairs.groupby(["id", "theme_id"]).size()
    pairs = pairs.drop_duplicates(["id", "theme_id"])[["id", "theme_id", "area_id", "mention", "start", "end"]].copy()
    pairs["mentions"] = [int(counts[(i, t)]) for i, t in zip(pairs["id"], pairs["theme_id"])]
    unthemed = themed.loc[~themed["id"].isin(pairs["id"]), ["id"]]
    lang = routed.rename(columns={"evidence_id": "id"})
    pairs = pd.concat([pairs, unthemed, lang[["id", "theme_id"]].assign(area_id="LANG", mentions=1)],
                      ignore_index=True)
    themes["size"] = themes["theme_id"].map(pairs.groupby("theme_id")["id"].nunique()).fillna(0).astype(int)
    themes["mentions"] = themes["theme_id"].map(mentions.groupby("theme_id").size()).fillna(0).astype(int)
    areas["themes"] = areas["area_id"].map(themes.groupby("area_id").size()).fillna(0).astype(int)
    texts_per_area = pairs.dropna(subset=["area_id"]).groupby("area_id")["id"].nunique()
    areas["size"] = areas["area_id"].map(texts_per_area).fillna(0).astype(int)
    if len(lang):
        groups = lang.groupby(["theme_id", "name"]).size().reset_index(name="size")
        themes = pd.concat([themes, groups.assign(keywords=[[]] * len(groups), keyword_label="", area_id="LANG",
                                                  mentions=groups["size"])], ignore_index=True)
        areas = pd.concat([areas, pd.DataFrame([{"area_id": "LANG", "name": "Other languages, not themed",
                                                 "keywords": [], "themes": len(groups), "size": len(lang)}])],
                          ignore_index=True)
    names = dict(zip(themes["theme_id"], themes["name"]))
    area_names = dict(zip(areas["area_id"], areas["name"]))
    order = pd.Series(np.arange(len(frame)), index=frame["id"])
    pairs = pairs.assign(_order=pairs["id"].map(order)).sort_values(["_order", "mention"], kind="stable")
    pairs = pairs.drop(columns="_order")   # in the input's order, then by mention
    pairs["theme_id"] = pairs["theme_id"].astype(object)
    pairs["theme_name"] = pairs["theme_id"].map(names)
    pairs["area_name"] = pairs["area_id"].map(area_names)
    themes["area_name"] = themes["area_id"].map(area_names)
    mentions["area_name"] = mentions["area_id"].map(area_names)
    coverage = float(frame["id"].isin(pairs.dropna(subset=["theme_id"])["id"]).mean()) if len(frame) else 0.0
    return TextThemes(mentions=mentions, assignments=pairs.reset_index(drop=True), themes=themes, areas=areas,
                      coverage=coverage)
