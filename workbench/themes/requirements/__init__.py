"""Requirements: find the statements that ask for something, and group them into requirements.

- :mod:`.rules`: explainable ask cues and the negative patterns that veto them;
- :mod:`.classifier`: the rules + classifier hybrid that tells requests from other sentences;
- :mod:`.statements`: the crisp statement of a request;
- :mod:`.grouping`: requests grouped into requirements with stable ids and their figures.
"""
from .classifier import PRETRAINED_MODEL, PRETRAINED_PATH, RequirementClassifier, detect_requirements
from .grouping import (
    REQUIREMENT_COLUMNS, build_requirements, carry_ids, requirement_id, restrict_requirements,
)
from .rules import (
    CUES, NEGATIVES, is_requirement, match_requirement, normalise, requirement_cues, split_sentences,
)
from .statements import crisp_statement, request_sentence

__all__ = [
    "CUES", "NEGATIVES", "PRETRAINED_MODEL", "PRETRAINED_PATH", "REQUIREMENT_COLUMNS", "RequirementClassifier",
    "build_requirements", "carry_ids", "crisp_statement", "detect_requirements", "is_requirement",
    "match_requirement", "normalise", "request_sentence", "requirement_cues", "requirement_id",
    "restrict_requirements", "split_sentences",
]
