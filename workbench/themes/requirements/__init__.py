"""Requirements: tell what each statement does (its feedback intent), and group the requests.

- :mod:`.rules`: explainable ask cues and the negative patterns that veto them;
- :mod:`.intent`: the feedback-intent classifier (request, problem, question, praise, other),
  which reads the rules as features;
- :mod:`.statements`: the crisp statement of a request;
- :mod:`.grouping`: requests grouped by what they ask into requirements, with stable ids;
- :mod:`.figures`: their figures, computed in one place for the whole folder and for a segment,
  in this process or as Dask reductions on a cluster;
- :mod:`.priority`: the documented priority score and its parts.
"""
from .figures import FIGURES, figures_by_group, requirement_figures
from .grouping import REQUIREMENT_COLUMNS, build_requirements, carry_ids, requirement_id, restrict_requirements
from .intent import INTENTS, IntentClassifier, classify_statements, rule_intents
from .priority import PRIORITY_COLUMNS, PRIORITY_WEIGHTS, prioritise
from .rules import (
    CUES, NEGATIVES, cue_hits, detect_requirements, is_requirement, match_requirement, normalise, requirement_cues,
    split_sentences,
)
from .statements import crisp_statement, request_sentence

__all__ = [
    "CUES", "FIGURES", "INTENTS", "NEGATIVES", "PRIORITY_COLUMNS", "PRIORITY_WEIGHTS", "REQUIREMENT_COLUMNS",
    "IntentClassifier", "build_requirements", "carry_ids", "classify_statements", "crisp_statement", "cue_hits",
    "figures_by_group",
    "detect_requirements", "is_requirement", "match_requirement", "normalise", "prioritise", "request_sentence",
    "requirement_cues", "requirement_figures", "requirement_id", "restrict_requirements", "rule_intents",
    "split_sentences",
]
