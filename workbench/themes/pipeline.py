"""Themes on an ingested data folder: mentions -> embed -> fit -> names -> registry -> areas ->
sentiment, intents and requirements -> impact.

    run = update_themes("data/sample")                   # a folder: reads and saves through its Workspace
    run = fit_themes(ThemeInputs(evidence, ...), registry)   # the stage itself: tables in, ``run.tables`` out

Reads the evidence table and writes back ``theme_mentions`` (one row per mention: a
sentence or clause of a statement, its span, theme, sentiment and intent), ``theme_assignments``
(one row per statement and theme it mentions), ``themes``, ``theme_areas``, ``theme_quarters``,
``requirements``, ``requirement_evidence``, ``statement_intents`` and ``theme_impact``, and updates
``DATA_DIR/theme_registry.yml`` (analysts' edits are kept). Mentions themed by an earlier run keep
their theme (``keep_previous_themes``, in :mod:`.carry_over`) unless ``refit=True``. Statements in a
language the default embedding model does not read are kept apart in one group per language, not
themed. Same inputs and settings give the same assignments: the seed and model are recorded in
``run.settings``.

The registry records what the themes were made with (``fitted_with``). When the embedding model
changes, its themes' centroids are re-expressed in the new model's space from the mentions they
hold, so ids carry over; when the theme model or its settings change without ``refit``, earlier
mentions keep the old partition and the run says so in ``run.notes`` (a refit re-partitions).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import THEMED_KINDS, unit_rows
from ..workspace import Workspace
from .carry_over import keep_previous_themes, note_model_changes
from .fitting import (  # noqa: F401  (re-exported: the theme CLI, benches and tests import them from here)
    DEFAULT_MODEL_NAME, FittedThemes, _params, embedding_identity, fit_cached, fit_distinct, fit_key,
    new_theme_model, theme_model_identity,
)
from .impact import theme_impact
from .layout import placing_on
from .language import detect_languages, foreign_languages
from .matching import assign_areas, set_area_names
from .mentions import mention_table
from .registry import ThemeRegistry
from .requirements.intent import IntentClassifier, classify_statements, rule_intents
from .summaries import areas_table, closeness, statement_themes, theme_quarters, themes_table
from .texts import MODEL_LANGUAGES, language_groups, name_clusters
from .voice import intents_and_requirements

log = logging.getLogger(__name__)

DEFAULT_SEED = 42
#: what the unit of theming is; part of the partition's name, so a folder themed per statement is told
UNIT = "mentions v3"


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
    mentions: int = 0
    areas: int = 0
    #: the per-language groups of statements kept apart, not themed (``LANG-es``...)
    languages: list[str] = field(default_factory=list)
    #: the stage's tables, by the name they are stored under (see :mod:`workbench.catalog`)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    #: the registry as the run left it (saved by :func:`update_themes` unless told not to)
    registry: "ThemeRegistry | None" = field(default=None, repr=False)


#: statements with fewer words than this ("ok", "fine thanks") carry no theme and are not themed
MIN_WORDS = 3


def themed_statements(evidence: pd.DataFrame, min_words: int = MIN_WORDS) -> pd.DataFrame:
    """The customer's own voice: quotes, insights, observations, comments and customer utterances
    of at least ``min_words`` words."""
    mask = evidence["kind"].isin(THEMED_KINDS) & (evidence["speaker_role"].fillna("customer") != "company")
    mask &= evidence["text"].fillna("").str.count(r"[^\W\d_]+") >= min_words
    return evidence[mask].sort_values("evidence_id").reset_index(drop=True)


def embed_statements(texts: list[str], cache: Path | None, model_path: str | None = None, embedder=None,
                     client=None) -> np.ndarray:
    """L2-normalised embeddings, cached in the folder ``cache`` (a workspace's ``cache("embeddings")``;
    ``None``: not cached) by model and text.

    An injected ``embedder`` (anything with ``encode(list[str]) -> ndarray``) is used as is, uncached.
    With a Dask ``client`` (:mod:`workbench.cluster`) the texts are embedded in partitions on its
    workers; the cache is the same one, so the vectors are the same as without.
    """
    if client is not None:
        from ..cluster import ClusterEmbedder

        if embedder is not None:
            return unit_rows(np.asarray(ClusterEmbedder(client, embedder=embedder).encode(texts), dtype=np.float32))
        embedder, model_path = ClusterEmbedder(client, model_path), None  # the workers' model checked on each call
    if embedder is not None and client is None:
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
        return unit_rows(vectors)
    from ..embed import embed_texts

    return embed_texts(texts, cache_dir=cache, model=model_path, embedder=embedder)


#: ``--model default``: the shipped model, whatever the folder's themes were fitted with
DEFAULT_MODEL_CHOICE = "default"


def folder_model(data_dir: str | Path, model_path: str | None = None) -> str | None:
    """The embedding model for a data folder: ``model_path`` when given (``"default"`` means the
    shipped model), else the one its themes were last fitted with (recorded in the registry's
    ``fitted_with.model_path`` by :func:`update_themes`), else the shipped model (``None``).
    So a folder themed with ``--model X`` stays in X's space for the quarterly job and the
    explorer without being told again."""
    path = Workspace(data_dir).registry_path
    return registry_model(ThemeRegistry.load(path) if not model_path and path.exists() else None, model_path)


def registry_model(registry: ThemeRegistry | None, model_path: str | None = None) -> str | None:
    """:func:`folder_model` for a registry in memory."""
    if model_path:
        return None if model_path == DEFAULT_MODEL_CHOICE else str(model_path)
    return (registry.fitted_with.get("model_path") or None) if registry is not None else None



def name_areas(registry: ThemeRegistry, mentions: pd.DataFrame, encode) -> None:
    """Names and keywords for the areas, from their themes' names, keywords and mentions
    (:func:`.area_names.area_names`; an analyst's name stays)."""
    from .area_names import area_names

    ids = [a for a, area in sorted(registry.areas.items()) if area["status"] == "active" and area.get("centroid")]
    if not ids:
        return
    texts = [mentions.loc[mentions["area_id"] == a, "core"].tolist() for a in ids]
    members = [sorted((t for t in registry.themes.values() if t.get("area_id") == a and t["status"] != "merged"),
                      key=lambda t: -int(t.get("size") or 0)) for a in ids]
    keywords = [list(dict.fromkeys(k for t in m[:5] for k in t["keywords"][:3])) for m in members]
    names = area_names(texts, np.asarray([registry.areas[a]["centroid"] for a in ids]), encode, keywords=keywords,
                       theme_names=[[t["label"] for t in m] for m in members],
                       theme_keywords=[[list(t["keywords"]) for t in m] for m in members])
    set_area_names(registry, {a: (n, k[:10]) for a, n, k in zip(ids, names, keywords)})


@dataclass
class ThemeInputs:
    """What the theme stage reads: tables, no folder. ``previous_*`` are the last run's tables (a
    mention themed before keeps its theme; requirements keep their ids); ``per_statement_before``
    says the folder was themed per statement by an older version (no stored mentions)."""

    evidence: pd.DataFrame
    accounts: pd.DataFrame
    arr: pd.DataFrame
    nps: pd.DataFrame
    previous_mentions: pd.DataFrame | None = None
    previous_requirement_evidence: pd.DataFrame | None = None
    per_statement_before: bool = False

    @classmethod
    def from_workspace(cls, ws: Workspace, tables: dict[str, pd.DataFrame] | None = None) -> "ThemeInputs":
        """The inputs of a data folder: ``tables`` (the ingested tables in memory) where given, else the store's."""
        tables = tables or {}

        def get(name: str) -> pd.DataFrame:
            return tables[name] if name in tables else ws.table(name)

        return cls(get("evidence"), get("accounts"), get("arr"), get("nps_responses"),
                   previous_mentions=ws.optional("theme_mentions"),
                   previous_requirement_evidence=ws.optional("requirement_evidence"),
                   per_statement_before=ws.has("theme_assignments") and not ws.has("theme_mentions"))


def update_themes(data_dir: str | Path, *, workspace: Workspace | None = None,
                  tables: dict[str, pd.DataFrame] | None = None, save: bool = True, **settings) -> ThemeRun:
    """Theme a data folder: read its tables (or take the ingested ``tables`` in memory), run
    :func:`fit_themes`, then save the stage's tables in one write and the registry. ``save=False``
    leaves both to the caller (``run.tables``, ``run.registry``): the quarterly job saves every stage's
    tables at once. ``settings`` are :func:`fit_themes`' keyword arguments."""
    ws = workspace or Workspace(data_dir)
    clock = settings.pop("clock", None)
    registry = ThemeRegistry.load(ws.registry_path, clock=clock) if clock else ThemeRegistry.load(ws.registry_path)
    try:
        run = fit_themes(ThemeInputs.from_workspace(ws, tables), registry, cache=ws.workdir, **settings)
    except ValueError as exc:  # nothing to theme: say which folder
        raise ValueError(f"{ws.data_dir}: {exc}") from exc
    run.registry = registry
    if save:
        ws.save(run.tables)
        registry.save(ws.registry_path)
    return run


def fit_themes(
    inputs: ThemeInputs,
    registry: ThemeRegistry,
    *,
    quarter: str | None = None,
    seed: int = DEFAULT_SEED,
    model_path: str | None = None,
    embedder=None,
    model=None,
    refit: bool = False,
    model_languages: tuple[str, ...] | None = None,
    cache: Path | None = None,
    client=None,
) -> ThemeRun:
    """The theme stage, from tables to tables (``run.tables``; see the module docstring); the
    registry is updated in memory. ``cache``: the folder holding the embedding and fit caches
    (``None``: nothing cached).

    ``model_languages``: the languages the embedding model reads; statements surely in another
    are kept apart, one group per language. Default: English for the shipped model; nothing is
    kept apart for a model of the user's own or an injected embedder (which may read any).

    ``client``: a Dask client (:func:`workbench.cluster.connect`): the texts are embedded on its
    workers, the fit places every mention outside its layout's sample there
    (:func:`.layout.placing_on`), and the themes' quarters, NPS impact and requirement figures are
    Dask reductions (:mod:`.reductions`, :mod:`.requirements.figures`); every answer is as without.
    """
    from .areas import group_areas
    from .sentiment import sentiment_scores

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    statements = themed_statements(inputs.evidence)
    if statements.empty:
        raise ValueError("no customer statements to theme")
    quarter = quarter or str(statements["quarter"].dropna().max())
    if embedder is None:
        model_path = registry_model(registry, model_path)
        if model_path:
            log.info("themes: embedding with %s (pass --model default for the shipped model)", model_path)
    default_space = embedder is None and not model_path
    embeddings = cache / "embeddings" if cache is not None else None
    languages = detect_languages(statements["text"])
    model_languages = (MODEL_LANGUAGES if default_space else ()) if model_languages is None else tuple(model_languages)
    routed = language_groups(statements["evidence_id"], foreign_languages(statements["text"], languages, model_languages)
                             if model_languages else [None] * len(statements), model_languages or MODEL_LANGUAGES)
    themed = statements[~statements["evidence_id"].isin(routed["evidence_id"])].reset_index(drop=True)
    if themed.empty:
        raise ValueError(f"no statements in a language the embedding model reads "
                         f"({', '.join(MODEL_LANGUAGES)}); {len(routed)} statements in other languages")
    mentions = mention_table(themed).merge(themed[["evidence_id", "quarter"]], on="evidence_id", how="left")
    mentions.insert(2, "mention_key", mentions["evidence_id"] + ":" + mentions["mention"].astype(str))

    on_cluster = {"client": client} if client is not None else {}  # without one, the call is as before

    def encode(texts: list[str]) -> np.ndarray:
        return embed_statements(texts, embeddings, model_path, embedder, **on_cluster)

    # what each mention is about, without its opening fillers; each distinct core embedded and fitted once
    cores, inverse = np.unique(mentions["core"].to_numpy(dtype=str), return_inverse=True)
    vectors = encode(cores.tolist())[inverse] if len(cores) else np.zeros((0, 1), dtype=np.float32)
    timings["embed"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    model = model if model is not None else new_theme_model(seed)
    embedding = embedding_identity(model_path, embedder)
    partition = f"{theme_model_identity(model)} on {embedding} per {UNIT}"
    with placing_on(client):  # on a cluster, every mention outside the layout's sample is placed on its workers
        fit = fit_distinct(model, cores, inverse, vectors, cache / "fits" if cache is not None else None, embedding)
    fitted = name_clusters(fit.themes_, fit.labels_, fit.centroids_, mentions["core"].tolist(), encode)
    timings["fit"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    stored = inputs.previous_mentions
    older = f"{theme_model_identity(model, with_sequences=False)} on {embedding}"
    if registry.fitted_with.get("partitioned_by") in (older, f"{older} per {UNIT}"):
        registry.fitted_with["partitioned_by"] = partition   # recorded under an older name: same settings
    notes = note_model_changes(registry, mentions, vectors, stored, embedding, partition, refit,
                               per_statement_before=inputs.per_statement_before and stored is None)
    previous = None if refit else stored
    if embedder is None and model_path:
        registry.fitted_with["model_path"] = str(model_path)
    else:
        registry.fitted_with.pop("model_path", None)
    clusters = pd.DataFrame({"evidence_id": mentions["evidence_id"], "cluster": np.asarray(fit.labels_, dtype=int),
                             "quarter": mentions["quarter"]})
    match = registry.match(fitted, fit.centroids_, clusters, quarter, cluster_column="cluster")
    for column in ("cluster", "fitted_theme_id", "theme_id"):
        mentions[column] = match.assignments[column].to_numpy()
    if previous is not None:
        mentions = keep_previous_themes(mentions, previous, registry, key="mention_key")
    mentions["closeness"] = closeness(mentions["theme_id"].to_numpy(), vectors)
    assign_areas(registry, quarter, group_areas)
    mentions["area_id"] = [registry.area_of(t) if isinstance(t, str) else None for t in mentions["theme_id"]]
    name_areas(registry, mentions, encode)
    timings["registry"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    # the shipped classifier reads the default model's vectors: with another model for the themes
    # the mentions are embedded with the default one too (cached like the rest); an injected
    # embedder (tests, experiments) gets the rules' intent and the lexicon's sentiment
    hybrid = embedder is None
    classifier = IntentClassifier.pretrained() if hybrid else None
    default_encode = (lambda texts: embed_statements(texts, embeddings, **on_cluster)) if hybrid else None
    own = vectors if default_space else None
    # on the cores, whose vectors are at hand ("please" and the like are not fillers: they stay)
    intents = (classify_statements(mentions["core"], classifier, embeddings=own, encode=default_encode)
               if hybrid else rule_intents(mentions["core"]))
    # the classifier's half of the sentiment: p_praise - p_problem of the sentence that decided the intent
    feeling = sentiment_scores(mentions["text"].tolist(), probabilities=intents if hybrid else None,
                               method="combined" if hybrid else "lexicon")
    mentions["sentiment"] = feeling["sentiment"].to_numpy()
    mentions["sentiment_score"] = feeling["sentiment_score"].to_numpy()
    mentions["intent"] = intents["intent"].to_numpy()
    mentions["intent_confidence"] = intents["confidence"].to_numpy(dtype=float)
    areas_of = {t: a for t, a in zip(mentions["theme_id"], mentions["area_id"]) if isinstance(t, str)}
    pairs = statement_themes(mentions, areas_of)
    if len(routed):
        by_id = statements.set_index("evidence_id")
        pairs = pd.concat([pairs, routed.assign(fitted_theme_id=None, cluster=-1, closeness=np.nan, mention=0, start=0,
                                                end=routed["evidence_id"].map(by_id["text"].str.len()).to_numpy(),
                                                mentions=1, area_id="LANG")[pairs.columns]], ignore_index=True)
    themes = themes_table(registry, statements, pairs, mentions, languages=routed)
    areas = areas_table(registry, themes, pairs, mentions)
    per_quarter = theme_quarters(statements, pairs, client=client)
    timings["sentiment"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    nps = inputs.nps
    statement_vectors = _statement_vectors(statements, mentions, vectors, routed, encode)
    statement_intents, requirements = intents_and_requirements(
        statements, statement_vectors, pairs, themes, quarter=quarter, registry=registry,
        accounts=inputs.accounts, arr=inputs.arr, nps=nps, previous=inputs.previous_requirement_evidence,
        classifier=classifier, encode=default_encode, classifier_space=default_space, languages=languages,
        client=client)
    for gone in requirements.attrs.get("absorbed", []):
        status = registry.requirement_status(gone["requirement_id"])
        if status["status"] != "open":
            notes.append(f"requirement {gone['requirement_id']} ({status['status']}"
                         f"{' ' + str(status['date']) if status['date'] else ''}) is now part of requirement "
                         f"{gone['now']}, whose status is {registry.requirement_status(gone['now'])['status']}; "
                         f"set it with `workbench themes requirement DATA_DIR {gone['now']} --status ...`")
    req_evidence = requirements[["requirement_id", "evidence_ids"]].explode("evidence_ids").rename(
        columns={"evidence_ids": "evidence_id"}
    ) if len(requirements) else pd.DataFrame(columns=["requirement_id", "evidence_id"])
    impact = theme_impact(nps, pairs.dropna(subset=["theme_id"]), by="quarter", themes=themes[["theme_id", "label"]],
                          client=client)
    timings["requirements"] = time.perf_counter() - t4

    settings = {"seed": seed, "model": model_path or DEFAULT_MODEL_NAME, "unit": UNIT,
                "theme_model": type(model).__name__, "params": _params(model),
                "intents": "shipped intent classifier" if hybrid else "rules",
                "sentiment": "VADER + intent classifier" if hybrid else "VADER"}
    run = ThemeRun(quarter, settings, len(statements), int(themes["status"].isin(["active", "emerging", "fading"]).sum()),
                   list(match.emerging), list(match.fading), len(requirements), timings, notes,
                   mentions=len(mentions), areas=int((areas["status"] != "language").sum()),
                   languages=sorted(routed["theme_id"].unique().tolist()))
    run.tables = {
        "theme_mentions": mentions,
        "theme_assignments": pairs,
        "themes": themes,
        "theme_areas": areas,
        "theme_quarters": per_quarter,
        "requirements": requirements.drop(columns=["evidence_ids"], errors="ignore"),
        "requirement_evidence": req_evidence,
        "statement_intents": statement_intents,
        "theme_impact": impact,
    }
    log.info("themes: %d statements, %d mentions, %d themes in %d areas, %d requirements", run.statements,
             run.mentions, run.themes, run.areas, run.requirements)
    return run


def _statement_vectors(statements: pd.DataFrame, mentions: pd.DataFrame, vectors: np.ndarray,
                       routed: pd.DataFrame, encode) -> np.ndarray:
    """One vector per statement: the normalised mean of its mentions' (statements kept apart for
    their language are embedded whole)."""
    out = np.zeros((len(statements), vectors.shape[1]), dtype=np.float32)
    row = pd.Series(np.arange(len(statements)), index=statements["evidence_id"])
    np.add.at(out, row[mentions["evidence_id"]].to_numpy(), vectors)
    if len(routed):
        out[row[routed["evidence_id"]].to_numpy()] = encode(
            statements.set_index("evidence_id").loc[routed["evidence_id"], "text"].tolist())
    return unit_rows(out)
