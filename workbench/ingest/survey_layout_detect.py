"""Which layout a survey export is in, and which column holds which field: by names and question texts.

Nothing here goes by a column's position or its Qn number: the recommend question is found by its
text (or by the `*_NPS_GROUP` column Qualtrics adds beside it), the comment and role likewise. A
pattern that matches two columns is a problem with the whole file, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from .context import Context
from .layouts import SurveyLayout, shipped_file, shipped_layouts
from .reading import FileProblem

#: fields that only feed redaction: every matching column is used
MULTI = ("respondent_name", "respondent_first_name", "respondent_last_name", "respondent_email")
#: question patterns are tried in this order, each skipping the columns already taken
QUESTION_ORDER = ("score", "comment", "persona")
HINT = "name the column in a survey_layouts entry in workbench.yml (see docs/data-format.md)"
#: a column whose name or question says it is the score (the recommend question, or a column called "score")
NAMED_SCORE = re.compile(r"(?i)recommend|net promoter|\bNPS\b|\bLTR\b|\bscore\b")


def known_layouts(ctx: Context) -> dict[str, SurveyLayout]:
    """workbench.yml's layouts first (they win when several match), then the shipped ones."""
    custom = {}
    for name, spec in (ctx.settings.survey_layouts or {}).items():
        try:
            custom[str(name)] = spec if isinstance(spec, SurveyLayout) else SurveyLayout.model_validate(spec or {})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'layout'}: {e['msg']}" for e in exc.errors())
            raise FileProblem(f"workbench.yml survey_layouts '{name}' is not a valid layout ({problems})") from exc
    return {**custom, **{n: layout for n, layout in shipped_layouts().items() if n not in custom}}


def matching(header: list[str], source: str) -> list[int]:
    """Indexes of the columns named ``source``, or matching it when it is ``re:`` + a pattern."""
    if source.startswith("re:"):
        pattern = re.compile(source[3:])
        return [i for i, h in enumerate(header) if pattern.search(h)]
    return [i for i, h in enumerate(header) if h == source]


def detect_layout(header: list[str], rel: str, ctx: Context) -> tuple[str, SurveyLayout]:
    known = known_layouts(ctx)
    forced = ctx.settings.survey_files.get(rel)
    if forced:
        if forced not in known:
            raise FileProblem(f"workbench.yml names layout '{forced}' for this file; known: {', '.join(known)}")
        return forced, known[forced]
    for name, layout in known.items():
        if not (layout.detect or layout.detect_any):
            continue  # a layout without detect columns is used only where workbench.yml names it
        if all(matching(header, d) for d in layout.detect) and (
                not layout.detect_any or any(matching(header, d) for d in layout.detect_any)):
            return name, layout
    raise FileProblem(
        "unrecognised survey layout: header has none of the known layouts' columns "
        f"({'; '.join(f'{n}: ' + ', '.join(s.detect + s.detect_any) for n, s in known.items())}); "
        "add a survey_layouts entry to workbench.yml"
    )


@dataclass
class Resolved:
    """Where each field is: one column per field (``columns``), several for the respondent_* ones."""

    columns: dict[str, int] = field(default_factory=dict)
    multi: dict[str, list[int]] = field(default_factory=dict)
    #: how the score column was found: "name", "nps_group" or "question"
    score_by: str = ""


def describe(i: int, header: list[str], questions: list[str]) -> str:
    """A column as the user knows it: its name, and its question text when that differs."""
    text = questions[i] if i < len(questions) else ""
    shown = f"'{header[i]}'"
    if text and text != header[i]:
        shown += f" (\"{text[:70]}{'…' if len(text) > 70 else ''}\")"
    return shown


def _ambiguous(what: str, hits: list[int], header: list[str], questions: list[str]) -> FileProblem:
    listed = ", ".join(describe(i, header, questions) for i in hits)
    return FileProblem(f"{what} matches {len(hits)} columns: {listed}; cannot tell which is meant, so "
                       f"nothing in this file is read; {HINT}")


def resolve_columns(header: list[str], questions: list[str], layout: SurveyLayout) -> Resolved:
    """Map each field to its column, from names, ``re:`` patterns, NPS group columns and question texts."""
    found = Resolved()
    ignored = {i for source in layout.ignore_columns for i in matching(header, source)}
    taken: set[int] = set()
    for target, source in layout.columns.items():
        if source is None:
            continue
        hits = matching(header, source)
        if source.startswith("re:"):
            hits = [i for i in hits if i not in taken]
        if target in MULTI:
            found.multi[target] = hits
        elif len(hits) > 1:
            raise _ambiguous(f"the {target} column pattern '{source[3:]}'", hits, header, questions)
        elif hits:
            found.columns[target] = hits[0]
            taken.add(hits[0])
    suffix = layout.nps_group_suffix
    if "score" not in found.columns and suffix:
        groups = [h for h in header if h.endswith(suffix) and len(h) > len(suffix)]
        bases = [header.index(g[: -len(suffix)]) for g in groups if g[: -len(suffix)] in header]
        if len(bases) > 1:
            raise _ambiguous(f"the score (a '*{suffix}' column marks an NPS question)", bases, header, questions)
        if bases:
            found.columns["score"], found.score_by = bases[0], "nps_group"
            taken.add(bases[0])
    if "score" in found.columns and not found.score_by:
        found.score_by = "name"
    targets = [t for t in QUESTION_ORDER if t in layout.questions]
    targets += [t for t in layout.questions if t not in targets]
    for target in targets:
        if target in found.columns:
            continue
        for pattern in layout.patterns(target):
            regex = re.compile(pattern)
            hits = [i for i, text in enumerate(questions)
                    if i not in taken and i not in ignored and text and regex.search(text)]
            if not hits:
                continue
            if target in MULTI:
                found.multi[target] = sorted(set(found.multi.get(target, [])) | set(hits))
            elif len(hits) > 1:
                raise _ambiguous(f"the {target} question pattern '{pattern}'", hits, header, questions)
            else:
                found.columns[target] = hits[0]
                taken.add(hits[0])
                if target == "score":
                    found.score_by = "question"
            break
    return found


#: what a field's question patterns look for, in words
LOOKED_FOR = {"score": "the 0–10 'how likely … recommend' question", "comment": "a 'why / reason' question",
              "persona": "a role question"}


def missing_reason(target: str, name: str, layout: SurveyLayout) -> str:
    """Why a required field has no column, naming what was looked for."""
    source = layout.columns.get(target)
    if source and not source.startswith("re:") and not layout.patterns(target):
        return f"missing required column '{source}' for {target} ({name} layout)"
    looked = []
    if source:
        looked.append(f"no column {'matching ' + repr(source[3:]) if source.startswith('re:') else repr(source)}")
    if target == "score" and layout.nps_group_suffix:
        looked.append(f"no '*{layout.nps_group_suffix}' column")
    if layout.patterns(target):
        looked.append(f"no question text (header row {layout.question_row}) reads like "
                      f"{LOOKED_FOR.get(target, 'the ' + target)}")
    detail = " and ".join(looked) or "the layout names no column for it"
    return f"missing required column for {target} ({name} layout): {detail}; {HINT}"


def required_fields(layout: SurveyLayout) -> list[str]:
    required = list(shipped_file().get("required", ["response_id", "date", "score"]))
    if layout.derive_id:
        required = [t for t in required if t != "response_id"]
    return required


def names_a_score(i: int, header: list[str], questions: list[str]) -> bool:
    """Whether a column's name or question text says it holds the score."""
    text = " ".join(t for t in (header[i], questions[i] if i < len(questions) else "") if t)
    return bool(NAMED_SCORE.search(text))
