"""The sample company's answer key, for the benches that score against it."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd


def sample_statements(seed: int) -> pd.DataFrame | None:
    """The answer key's statements of the sample company generated with ``seed`` (None, with a
    word, when the generator is not available)."""
    try:
        from workbench.sample import generate
    except ImportError as exc:
        print(f"  sample generator not available ({exc}): skipped")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), seed=seed)
        return pd.read_csv(Path(tmp) / "answer_key" / "statements.csv", dtype=str, keep_default_na=False)
