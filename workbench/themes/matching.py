"""Matching a fit to the registry: fitted clusters to stable theme ids, themes to stable areas.

:func:`match_fit` pairs each fitted cluster with a registry theme by centroid cosine similarity
(Hungarian assignment, with a minimum similarity); clusters left over become new themes, and each
theme's lifecycle for the reported quarter is set (``emerging``, ``active``, ``fading``).
:func:`assign_areas` groups the live themes into areas and gives every group the id of the area
whose themes it mostly holds, so areas keep their ids as themes come and go; a theme an analyst
moved stays where it was put.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .registry._base import (
    MAX_CENTROID_WEIGHT, MatchResult, RegistryError, _id_sort_key, _new_area, _new_theme, _round_centroid, _unit,
    lifecycle, material_quarters,
)


def match_fit(registry, themes: pd.DataFrame, centroids: np.ndarray, assignments: pd.DataFrame, quarter: str,
              threshold: float = 0.7, *, cluster_column: str = "theme", at: str | None = None,
              who: str | None = None) -> MatchResult:
    """Attach a fitted topic model to the registry.

    ``themes``: the model's ``themes_`` (``theme`` cluster id, ``label``, ``keywords``,
    ``size``); ``centroids``: its ``centroids_`` (rows in ``themes`` order);
    ``assignments``: one row per statement with ``evidence_id`` and the cluster id in
    ``cluster_column`` (-1 for outliers), optionally ``quarter``. ``quarter`` is the
    quarter being reported: clusters first seen in it are *emerging*, registry themes
    with no evidence in it are *fading*.
    """
    for column in ("theme", "label"):
        if column not in themes.columns:
            raise RegistryError(f"themes table has no column '{column}'")
    for column in ("evidence_id", cluster_column):
        if column not in assignments.columns:
            raise RegistryError(f"assignments table has no column '{column}'")
    centroids = _unit(np.atleast_2d(np.asarray(centroids, dtype=np.float64)))
    if len(themes) and centroids.shape[0] != len(themes):
        raise RegistryError(f"{centroids.shape[0]} centroids for {len(themes)} themes")
    themes = themes.reset_index(drop=True)
    clusters = [int(c) for c in themes["theme"]]
    members = assignments.copy()
    members["_cluster"] = members[cluster_column].astype(int)
    has_quarter = "quarter" in members.columns

    # 1. pair clusters with registry themes by centroid cosine (Hungarian, minimum similarity)
    reg_ids, reg_centroids = registry.centroids()
    mapping: dict[int, str] = {}
    similarity: dict[int, float] = {}
    real = [i for i, c in enumerate(clusters) if c >= 0]   # the outlier "cluster" -1 is no theme
    if reg_ids and real:
        if reg_centroids.shape[1] != centroids.shape[1]:
            raise RegistryError(
                f"fitted centroids have {centroids.shape[1]} dimensions, the registry's have "
                f"{reg_centroids.shape[1]} (was the embedding model changed?)")
        sim = centroids[real] @ _unit(reg_centroids).T
        rows, cols = linear_sum_assignment(sim, maximize=True)
        for r, c in zip(rows, cols):
            if sim[r, c] >= threshold:
                mapping[clusters[real[r]]] = reg_ids[c]
                similarity[clusters[real[r]]] = float(sim[r, c])

    # 2. clusters left over become new themes, numbered in a content-based order (largest
    #    first, then by their smallest evidence id) so cluster numbering cannot change ids
    def order_key(i: int) -> tuple:
        ev = members.loc[members["_cluster"] == clusters[i], "evidence_id"]
        return (-len(ev), str(ev.min()) if len(ev) else "", i)

    unmatched = sorted((i for i, c in enumerate(clusters) if c not in mapping and c >= 0), key=order_key)
    new_ids = []
    for i in unmatched:
        theme_id = registry._allocate_id()
        registry.themes[theme_id] = _new_theme(str(themes.loc[i, "label"]), quarter)
        mapping[clusters[i]] = theme_id
        similarity[clusters[i]] = float("nan")
        new_ids.append(theme_id)

    # 3. update matched and new themes from the fit (never an analyst's label)
    for i, cluster in enumerate(clusters):
        if cluster < 0:
            continue
        theme = registry.themes[mapping[cluster]]
        in_cluster = members[members["_cluster"] == cluster]
        size = int(len(in_cluster))
        if not size and "size" in themes.columns:
            size = int(themes.loc[i, "size"])
        if theme["label_source"] != "analyst":
            theme["label"] = str(themes.loc[i, "label"])
        if "keywords" in themes.columns:
            theme["keywords"] = [str(k) for k in (themes.loc[i, "keywords"] or [])]
        theme["size"] = size
        old = theme.get("centroid")
        weight = min(int(theme.get("weight") or 0), MAX_CENTROID_WEIGHT)
        if old and weight > 0:
            blended = np.asarray(old) * weight + centroids[i] * max(size, 1)
        else:
            blended = centroids[i]
        theme["centroid"] = _round_centroid(blended)
        # every fit sees the whole store, so the statements behind this fit already hold the past:
        # the weight is this fit's size, not a running total (which grew on every re-run with the
        # same data and changed the registry file when nothing had changed)
        theme["weight"] = size
        quarters = in_cluster["quarter"].dropna().astype(str) if has_quarter else pd.Series([], dtype=str)
        quarters = pd.Series(sorted(material_quarters(quarters.value_counts().to_dict())), dtype=str)
        if len(quarters):
            is_new = mapping[cluster] in new_ids
            theme["first_seen"] = min(q for q in [None if is_new else theme["first_seen"], quarters.min()] if q)
            theme["last_seen"] = max(q for q in [None if is_new else theme["last_seen"], quarters.max()] if q)

    # 4. resolve assignments (merges, split-off evidence) and set statuses for the quarter
    out = pd.DataFrame({
        "evidence_id": members["evidence_id"].to_numpy(),
        "cluster": members["_cluster"].to_numpy(),
        "theme_id": [mapping.get(c) if c >= 0 else None for c in members["_cluster"]],
    })
    if has_quarter:
        out["quarter"] = members["quarter"].to_numpy()
    out.insert(2, "fitted_theme_id", out["theme_id"])
    out = registry.resolve_assignments(out)
    in_quarter = out if not has_quarter else out[out["quarter"].astype(str) == quarter]
    seen_now = set(in_quarter["theme_id"].dropna())
    seen_now |= {registry.resolve(t) for t in seen_now}
    counts: dict[str, dict[str, int]] = {}
    if has_quarter:
        for (theme_id, q), n in out.dropna(subset=["theme_id"]).groupby(["theme_id", "quarter"]).size().items():
            counts.setdefault(str(theme_id), {})[str(q)] = int(n)
    emerging, fading = [], []
    for theme_id, theme in sorted(registry.themes.items(), key=lambda kv: _id_sort_key(kv[0])):
        if theme["status"] == "merged":
            continue
        status = lifecycle(counts[theme_id], quarter) if theme_id in counts else (
            ("emerging" if theme["first_seen"] == quarter else "active") if theme_id in seen_now else "fading")
        if status != "fading" and theme_id in seen_now:
            theme["last_seen"] = max(filter(None, [theme["last_seen"], quarter]))
        theme["status"] = status
        if status == "emerging":
            emerging.append(theme_id)
        elif status == "fading":
            fading.append(theme_id)

    registry._record("match", {"quarter": quarter, "clusters": len([c for c in clusters if c >= 0]),
                           "matched": len(clusters) - len(new_ids) - sum(c < 0 for c in clusters),
                           "new": new_ids, "fading": fading}, at=at, who=who, undo=None)
    return MatchResult(quarter=quarter, mapping=mapping, similarity=similarity, emerging=emerging,
                       fading=fading, assignments=out, new_ids=new_ids)


#: a group of themes takes an existing area's id when at least this share of either's weight is shared
AREA_OVERLAP = 0.5


def assign_areas(registry, quarter: str, group, *, at: str | None = None, who: str | None = None) -> dict[str, str]:
    """Group the registry's live themes into areas and record them; returns theme id -> area id.

    ``group(centroids, sizes)`` gives an area number per theme (e.g. :func:`.areas.group_areas`).
    Each group takes the id of the existing area it shares most theme weight with (Hungarian
    assignment on shared size), provided they share at least ``AREA_OVERLAP`` of the group's or of
    the area's weight; other groups become new areas. Theme ids are stable, so this keeps area ids
    stable even when the themes' centroids drift. Themes an analyst moved stay in their area.
    Each area's centroid is the size-weighted mean of its themes' centroids; an area left without
    themes is marked ``empty`` (its id and name are kept for when its themes come back).
    """
    live = [t for t in sorted(registry.themes, key=_id_sort_key)
            if registry.themes[t]["status"] != "merged" and registry.themes[t].get("centroid")]
    if not live:
        return {}
    before = registry._state()
    vectors = _unit(np.asarray([registry.themes[t]["centroid"] for t in live], dtype=np.float64))
    sizes = np.asarray([max(int(registry.themes[t].get("size") or 0), 1) for t in live], dtype=float)
    labels = np.asarray(group(vectors, sizes), dtype=int) if len(live) > 1 else np.zeros(1, dtype=int)
    groups = sorted(set(labels.tolist()))
    old_ids = sorted({registry.themes[t]["area_id"] for t in live if registry.themes[t].get("area_id") in registry.areas},
                     key=_id_sort_key)
    mapping: dict[int, str] = {}
    if old_ids:
        shared = np.zeros((len(groups), len(old_ids)))
        for i, t in enumerate(live):
            area = registry.themes[t].get("area_id")
            if area in old_ids:
                shared[groups.index(labels[i]), old_ids.index(area)] += sizes[i]
        group_weight = np.asarray([sizes[labels == g].sum() for g in groups])
        area_weight = shared.sum(axis=0)
        rows, cols = linear_sum_assignment(shared, maximize=True)
        for r, c in zip(rows, cols):
            if shared[r, c] > 0 and (shared[r, c] >= AREA_OVERLAP * group_weight[r]
                                     or shared[r, c] >= AREA_OVERLAP * area_weight[c]):
                mapping[groups[r]] = old_ids[c]
    # new areas numbered largest first, then by their smallest theme id: independent of group numbers
    def order_key(g: int) -> tuple:
        return (-sizes[labels == g].sum(), min((live[i] for i in np.where(labels == g)[0]), key=_id_sort_key))

    for g in sorted((g for g in groups if g not in mapping), key=order_key):
        area_id = registry._allocate_area_id()
        registry.areas[area_id] = _new_area("", quarter)
        mapping[g] = area_id
    out: dict[str, str] = {}
    for i, t in enumerate(live):
        theme = registry.themes[t]
        if theme.get("area_source") == "analyst" and theme.get("area_id") in registry.areas:
            out[t] = theme["area_id"]
        else:
            theme["area_id"], theme["area_source"] = mapping[int(labels[i])], "model"
            out[t] = theme["area_id"]
    for area_id, area in registry.areas.items():
        members = [i for i, t in enumerate(live) if out[t] == area_id]
        if members:
            area["centroid"] = _round_centroid((vectors[members] * sizes[members, None]).sum(axis=0))
            area["status"] = "active"
            area["first_seen"] = area["first_seen"] or quarter
            area["last_seen"] = max(filter(None, [area["last_seen"], quarter]))
        else:
            area["status"] = "empty"
    registry._record("areas", {"quarter": quarter, "areas": len(set(out.values())),
                               "new": sorted(set(mapping.values()) - set(old_ids), key=_id_sort_key)},
                     at=at, who=who, undo=None)
    registry._drop_last_if_unchanged(before, "areas")
    return out


def set_area_names(registry, names: dict[str, tuple[str, list[str]]]) -> None:
    """Model-made names and keywords for areas (``area_id -> (name, keywords)``); an analyst's
    name is never replaced."""
    for area_id, (name, keywords) in names.items():
        area = registry.areas.get(area_id)
        if area is None:
            continue
        if area["name_source"] != "analyst":
            area["name"] = str(name)
        area["keywords"] = [str(k) for k in keywords]
