"""Requirements: request statements grouped by what they ask, with their figures and stable ids."""
from __future__ import annotations

import hashlib
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ...contract import unit_rows
from .figures import figures_by_group, latest_arr, nps_scores
from .intent import IntentClassifier, classify_statements
from .rules import detect_requirements, match_requirement
from .statements import crisp_statement, request_sentence

REQUIREMENT_COLUMNS = [
    "requirement_id", "statement", "theme_id", "theme_label", "mentions", "accounts", "account_ids",
    "arr_at_stake", "nps_responses", "detractor_share", "first_quarter", "last_quarter", "mentions_now",
    "mentions_before", "status", "status_date", "cues", "quotes", "evidence_ids",
]


def requirement_id(anchor_evidence_id: str) -> str:
    """Stable id of a requirement: a hash of its earliest statement's evidence id, so later
    mentions joining the requirement do not change it."""
    return "R" + hashlib.sha1(str(anchor_evidence_id).encode("utf-8")).hexdigest()[:10]


def _statuses(registry, ids: Iterable[str]) -> dict[str, dict]:
    if registry is None:
        return {}
    if hasattr(registry, "requirement_status"):
        return {i: registry.requirement_status(i) for i in ids}
    if isinstance(registry, Mapping):
        return {i: dict(registry[i]) for i in ids if i in registry}
    raise TypeError("registry must be a ThemeRegistry or a mapping of requirement id -> status")


#: the most request statements grouped in one agglomerative step: its distance matrix grows with
#: the square of their number (measured, 384-D: 10,000 take about 1 GB and 12 s, 20,000 3.4 GB
#: and 43 s), so a quarter of a million statements, with tens of thousands of requests, would not fit
MAX_BLOCK = 10_000


def group_requests(vectors: np.ndarray, distance_threshold: float, max_block: int = MAX_BLOCK,
                   seed: int = 0) -> np.ndarray:
    """A group number per row of ``vectors`` (L2-normalised): average-linkage agglomerative
    clustering on cosine distance, cut at ``distance_threshold`` (deterministic).

    Up to ``max_block`` rows are grouped in one step. Above it, exact duplicates are grouped
    first, the distinct vectors are cut into cells of at most ``max_block`` by k-means on the same
    vectors (``seed`` fixed), and each cell is grouped on its own. Requests close enough to join
    (cosine distance under the threshold) nearly always share a k-means cell; a pair that a cell
    boundary splits stays two requirements: that is the price of bounded memory and time.
    """
    from sklearn.cluster import AgglomerativeClustering

    vectors = np.asarray(vectors)
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=int)
    if n <= max_block:
        return AgglomerativeClustering(n_clusters=None, distance_threshold=distance_threshold, metric="cosine",
                                       linkage="average").fit_predict(vectors)
    distinct, inverse = np.unique(vectors, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    if len(distinct) <= max_block:
        return group_requests(distinct, distance_threshold, max_block, seed)[inverse]
    from sklearn.cluster import MiniBatchKMeans

    cells = MiniBatchKMeans(n_clusters=int(np.ceil(2 * len(distinct) / max_block)), random_state=seed,
                            n_init=3, batch_size=4096).fit_predict(distinct)
    if np.bincount(cells).max() == len(distinct):   # k-means could not split them: cut in order
        cells = np.repeat(np.arange(int(np.ceil(len(distinct) / max_block))), max_block)[:len(distinct)]
    labels = np.empty(len(distinct), dtype=int)
    offset = 0
    for cell in np.unique(cells):
        rows = np.flatnonzero(cells == cell)
        found = group_requests(distinct[rows], distance_threshold, max_block, seed)
        labels[rows] = found + offset
        offset += int(found.max()) + 1
    return labels[inverse]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return unit_rows(np.asarray(x, dtype=np.float64))


def build_requirements(
    evidence: pd.DataFrame,
    theme_assignments: pd.DataFrame | None,
    embeddings: np.ndarray,
    accounts: pd.DataFrame | None = None,
    arr: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    *,
    registry=None,
    themes: pd.DataFrame | None = None,
    distance_threshold: float = 0.4,
    is_requirement: np.ndarray | pd.Series | None = None,
    classifier: IntentClassifier | None = None,
    encode=None,
    as_of: str | None = None,
    max_quotes: int = 5,
    theme_column: str = "theme_id",
    previous: pd.DataFrame | None = None,
    classifier_space: bool = True,
    intents: pd.DataFrame | None = None,
    group_on_statements: bool = True,
    client=None,
) -> pd.DataFrame:
    """Group the requirement statements of ``evidence`` into requirements.

    ``evidence`` follows the evidence contract; ``embeddings`` has one L2-normalised row per
    evidence row, in the same order. Requirement statements are the requests: those ``intents``
    (rows of :func:`.intent.classify_statements`, aligned with ``evidence``) call ``request``; or,
    with a fitted :class:`.intent.IntentClassifier` as ``classifier``, those it finds (``encode``
    embeds the sentences it has no vector of; single-sentence statements use their row of
    ``embeddings`` unless ``classifier_space`` is false, i.e. the embeddings come from another
    model than the classifier's); or those ``is_requirement`` (a boolean mask aligned with
    ``evidence``) says; or, with none of these, those a rule cue fires on
    (:func:`.rules.detect_requirements`). Every statement of a theme the registry marks as a
    requirement joins them; company speech is left out. They are grouped by what they ask: with
    ``encode`` and ``group_on_statements`` on the embeddings of their crisp statements (without
    the context around the ask or the "I wish / please" that says it is one), else on
    ``embeddings``; by average-linkage agglomerative clustering on cosine distance
    (``distance_threshold``), which is deterministic.

    Each requirement gets: ``requirement_id`` (:func:`requirement_id` of its earliest
    statement), ``statement`` (:func:`crisp_statement` of the request sentence of its most
    central statement),
    ``theme_id`` (majority theme of its statements in ``theme_assignments``, ``evidence_id`` and
    ``theme_column``; ties to the smallest id) and ``theme_label`` (from ``themes`` or the
    registry), ``mentions``, ``accounts`` (distinct), ``account_ids``, ``arr_at_stake`` (sum of
    the latest ARR at or before ``as_of`` of those accounts; ended accounts count 0),
    ``nps_responses`` and ``detractor_share`` (of the NPS responses whose comment is one of its
    statements; NaN when none), ``first_quarter``/``last_quarter``, ``status``/``status_date``
    (from ``registry``: a ThemeRegistry or a mapping id -> {status, date}; default open),
    ``cues``, ``quotes`` (up to ``max_quotes`` dicts with evidence_id, source_file, locator,
    text; most central first) and ``evidence_ids``. Sorted by ARR at stake, then mentions.

    ``previous`` (the last run's ``requirement_id``/``evidence_id`` pairs) keeps ids, and so the
    statuses analysts set, stable: a requirement takes the id of the earlier requirement whose
    statements it shares most (:func:`carry_ids`). When earlier requirements join, the one with a
    status set wins, then the one sharing most; ``out.attrs["absorbed"]`` lists the others.
    """
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(evidence):
        raise ValueError(f"embeddings must have one row per evidence row ({len(evidence)}), "
                         f"got shape {embeddings.shape}")
    frame = evidence.reset_index(drop=True).copy()
    frame["_sentence"] = None
    if is_requirement is None and intents is None and classifier is not None:
        intents = classify_statements(frame["text"], classifier, embeddings=embeddings if classifier_space else None,
                                      encode=encode)
    if is_requirement is None and intents is not None:
        if len(intents) != len(frame):
            raise ValueError("intents must have one row per evidence row")
        intents = intents.reset_index(drop=True)
        flags = intents["intent"].eq("request").to_numpy(dtype=bool)
        frame["_cue"] = [f"request p={c:.2f}" if f else None for f, c in zip(flags, intents["confidence"])]
        frame["_sentence"] = intents["sentence"].where(flags, None).to_numpy()
    elif is_requirement is None:
        flags, cues = detect_requirements(frame["text"], return_cues=True)
        frame["_cue"] = cues.to_numpy()
    else:
        flags = np.asarray(is_requirement, dtype=bool)
        if flags.shape != (len(frame),):
            raise ValueError("is_requirement must have one flag per evidence row")
        frame["_cue"] = [match_requirement(t) if f else None for t, f in zip(frame["text"], flags)]
        frame["_cue"] = frame["_cue"].where(~flags | frame["_cue"].notna(), "given")

    assigned = None
    if theme_assignments is not None and len(theme_assignments):
        assigned = theme_assignments[["evidence_id", theme_column]].dropna(subset=[theme_column])
        assigned = assigned.rename(columns={theme_column: "_theme"})
    flags = flags.copy()
    if registry is not None and hasattr(registry, "themes") and assigned is not None:
        marked = {t for t, d in registry.themes.items() if d.get("requirement")}
        if marked:
            in_marked = frame["evidence_id"].isin(assigned.loc[assigned["_theme"].isin(marked), "evidence_id"])
            frame.loc[in_marked & ~pd.Series(flags), "_cue"] = "theme marked as requirement"
            flags |= in_marked.to_numpy()
    if "speaker_role" in frame.columns:
        flags &= (frame["speaker_role"].astype(object) != "company").to_numpy()

    candidates = frame[flags].copy()
    candidates["_row"] = np.flatnonzero(flags)
    if candidates.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in REQUIREMENT_COLUMNS})
    candidates = candidates.sort_values("evidence_id", kind="mergesort").reset_index(drop=True)
    candidates["_statement"] = [crisp_statement(sentence or request_sentence(text))
                                for sentence, text in zip(candidates["_sentence"], candidates["text"])]
    if group_on_statements and encode is not None:
        # what is asked, without the context around it or the "I wish / please" that says it is asked
        vectors = _unit_rows(encode(candidates["_statement"].tolist()))
    else:
        vectors = _unit_rows(embeddings[candidates["_row"].to_numpy()])

    candidates["_cluster"] = group_requests(vectors, distance_threshold)

    arr_now = latest_arr(arr, accounts, as_of)
    figures = figures_by_group(candidates, "_cluster", arr_now, nps_scores(nps), as_of, client=client)
    theme_of = {}
    if assigned is not None:
        for evidence_id, group in assigned.groupby("evidence_id", sort=False):
            theme_of[evidence_id] = list(group["_theme"])
    labels = {}
    if themes is not None and {"theme_id", "label"} <= set(themes.columns):
        labels = dict(zip(themes["theme_id"], themes["label"]))

    rows = []
    for cluster, members in candidates.groupby("_cluster", sort=False):
        idx = members.index.to_numpy()
        centre = unit_rows(vectors[idx].mean(axis=0))
        closeness = vectors[idx] @ centre
        order = sorted(range(len(idx)), key=lambda i: (-round(float(closeness[i]), 9), members["evidence_id"].iloc[i]))
        ranked = members.iloc[order]
        dates = pd.to_datetime(members["date"], errors="coerce") if "date" in members.columns else None
        anchor_order = members.assign(_d=dates if dates is not None else pd.NaT).sort_values(
            ["_d", "evidence_id"], na_position="last", kind="mergesort")
        votes: dict = {}
        for evidence_id in members["evidence_id"]:
            for theme in theme_of.get(evidence_id, []):
                votes[theme] = votes.get(theme, 0) + 1
        theme = min(votes, key=lambda t: (-votes[t], str(t))) if votes else None
        if theme is not None and theme not in labels and registry is not None and hasattr(registry, "label"):
            try:
                labels[theme] = registry.label(theme)
            except (KeyError, ValueError):
                pass
        rows.append({
            "requirement_id": requirement_id(anchor_order["evidence_id"].iloc[0]),
            "statement": ranked["_statement"].iloc[0],
            "theme_id": theme,
            "theme_label": labels.get(theme) if theme is not None else None,
            **figures.loc[cluster].to_dict(),
            "cues": sorted({str(c) for c in members["_cue"].dropna()}),
            "quotes": [
                {"evidence_id": r.evidence_id, "source_file": getattr(r, "source_file", None),
                 "locator": getattr(r, "locator", None), "text": r.text}
                for r in ranked.head(max_quotes).itertuples()
            ],
            "evidence_ids": list(ranked["evidence_id"]),
        })

    out = pd.DataFrame(rows)
    absorbed: list[dict] = []
    if previous is not None and len(previous):
        set_before = {i for i in previous["requirement_id"].unique()
                      if _statuses(registry, [i]).get(i, {}).get("status", "open") != "open"}
        out["requirement_id"], absorbed = carry_ids(out["requirement_id"].tolist(), out["evidence_ids"].tolist(),
                                                    previous, set_before)
    status = _statuses(registry, out["requirement_id"])
    out["status"] = [status.get(i, {}).get("status") or "open" for i in out["requirement_id"]]
    out["status_date"] = [status.get(i, {}).get("date") for i in out["requirement_id"]]
    out = out.sort_values(["arr_at_stake", "mentions", "requirement_id"], ascending=[False, False, True],
                          kind="mergesort").reset_index(drop=True)
    out = out[REQUIREMENT_COLUMNS]
    out.attrs["absorbed"] = absorbed
    return out


def carry_ids(fresh_ids: list[str], evidence_ids: list[list[str]], previous: pd.DataFrame,
              preferred: set[str] = frozenset()) -> tuple[list[str], list[dict]]:
    """Ids for this run's requirements that keep the last run's where the statements say so.

    ``fresh_ids[i]`` is requirement i's own id and ``evidence_ids[i]`` its statements;
    ``previous`` holds the last run's (``requirement_id``, ``evidence_id``) pairs. Each earlier id
    goes to at most one requirement: pairs are taken by whether the earlier id is ``preferred``
    (an analyst set its status), then by statements shared, then by id, so the result does not
    depend on order. A requirement no earlier one shares statements with keeps its own id (or,
    if that is taken, the id of its next statement). Returns the ids and the earlier
    requirements that joined another one: ``{"requirement_id", "now"}``.
    """
    owner = previous.dropna().drop_duplicates("evidence_id").set_index("evidence_id")["requirement_id"].to_dict()
    shared: dict[tuple[int, str], int] = {}
    for i, members in enumerate(evidence_ids):
        for evidence_id in members:
            before = owner.get(evidence_id)
            if before is not None:
                shared[(i, before)] = shared.get((i, before), 0) + 1
    ids: list[str | None] = [None] * len(fresh_ids)
    taken: set[str] = set()
    for (i, before), _n in sorted(shared.items(), key=lambda kv: (kv[0][1] not in preferred, -kv[1], kv[0][1], kv[0][0])):
        if ids[i] is None and before not in taken:
            ids[i] = before
            taken.add(before)
    earlier = set(owner.values())
    for i, own in enumerate(fresh_ids):
        if ids[i] is None:
            candidates = [own] + [requirement_id(e) for e in sorted(evidence_ids[i])]
            ids[i] = next((c for c in candidates if c not in taken and c not in earlier), own)
            taken.add(ids[i])
    joined: dict[str, tuple[int, int]] = {}
    for (i, before), n in shared.items():
        if before not in taken and (before not in joined or (-n, i) < (-joined[before][1], joined[before][0])):
            joined[before] = (i, n)
    absorbed = [{"requirement_id": k, "now": str(ids[i])} for k, (i, _) in sorted(joined.items())]
    return [str(i) for i in ids], absorbed


def restrict_requirements(requirements: pd.DataFrame, requirement_evidence: pd.DataFrame, evidence: pd.DataFrame,
                          nps: pd.DataFrame | None = None, arr: pd.DataFrame | None = None,
                          accounts: pd.DataFrame | None = None, as_of: str | None = None) -> pd.DataFrame:
    """The requirements as seen in part of the evidence (a segment): figures recounted from the
    statements in ``evidence`` only, as :func:`build_requirements` counts them; requirements
    with none of their statements there are left out. ``quotes`` keep those in ``evidence``."""
    if requirements.empty:
        return requirements.copy()
    kept = evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    members = requirement_evidence[requirement_evidence["evidence_id"].isin(kept.index)]
    part = members[["requirement_id", "evidence_id"]].merge(kept.drop(columns=["requirement_id"], errors="ignore"),
                                                            left_on="evidence_id", right_index=True, how="left")
    figures = figures_by_group(part, "requirement_id", latest_arr(arr, accounts, as_of), nps_scores(nps), as_of)
    rows = []
    for _, req in requirements.iterrows():
        if req["requirement_id"] not in figures.index:
            continue
        quotes = req.get("quotes")
        row = req.to_dict()
        row.update(figures.loc[req["requirement_id"]].to_dict())
        row["quotes"] = ([q for q in quotes if q.get("evidence_id") in kept.index] if isinstance(quotes, list)
                         else quotes)
        rows.append(row)
    out = pd.DataFrame(rows, columns=requirements.columns)
    return out.sort_values(["arr_at_stake", "mentions", "requirement_id"], ascending=[False, False, True],
                           kind="mergesort").reset_index(drop=True)
