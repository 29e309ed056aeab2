import os
import pickle
import shutil
from pathlib import Path

import pytest

from fakes import HashingEmbedder, KMeansThemes

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A copy of the hand-written mini data folder (raw data stays immutable)."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest, ignore=shutil.ignore_patterns(".workbench"))
    return dest


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (a fresh clone has none)")
    return SHARED_DATA


# --- a published quarter of the sample company, shared by the report and browser tests ---------

XSS_SCRIPT = "<script>window.__xss = 1</script>"
XSS_IMG = '<img src=x onerror="window.__xss = 2">'
PLANTED_PII = {"email": "zelda.quartermaine@example.org", "phone": "(415) 555-0199", "name": "Zelda Quartermaine"}


def fakes(n_themes=14):
    return {"embedder": HashingEmbedder(), "model": KMeansThemes(n_themes)}


def _plant_hostile_comments(data: Path) -> None:
    """A survey file whose verbatims carry markup and PII, as real exports sometimes do."""
    rows = ["response_id,account_id,respondent_name,respondent_email,persona,date,score,comment"]
    for i in range(12):
        rows.append(
            f'XSS-{i},A0001,{PLANTED_PII["name"]},{PLANTED_PII["email"]},admin,2026-08-{10 + i:02d},2,'
            f'"Dashboards are slow {XSS_SCRIPT} and {XSS_IMG.replace(chr(34), chr(34) * 2)}, '
            f'mail {PLANTED_PII["email"]} or call {PLANTED_PII["phone"]}"'
        )
    (data / "surveys" / "hostile.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """Built once per test run, also when ``make test`` spreads the files over processes
    (pytest-xdist): the first process to need it builds it under a lock, the others read it back."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _published(tmp_path_factory.mktemp("quarterly"))
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent / "published"
    answer = root / "fixture.pickle"
    with FileLock(str(root) + ".lock"):
        if not answer.exists():   # (a process whose build failed leaves no answer: built again)
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            built = _published(root)
            answer.with_suffix(".tmp").write_bytes(pickle.dumps(built))
            answer.with_suffix(".tmp").rename(answer)
    return pickle.loads(answer.read_bytes())


def _published(root: Path) -> dict:
    """Sample company + hostile comments; quarterly run once; an analyst pins a hostile quote; run again."""
    from workbench import store
    from workbench.quarterly import run_quarterly
    from workbench.sample import generate
    from workbench.themes.registry import ThemeRegistry, default_path

    data, out = root / "data", root / "reports"
    generate(data, seed=7)
    _plant_hostile_comments(data)
    first = run_quarterly(data, out, themes_settings=fakes())
    first_kpis = store.load_table(data, "kpis")
    first_assign = store.load_table(data, "theme_assignments")
    # an analyst pins the hostile quote to the biggest theme; the next run must show it
    evidence = store.load_table(data, "evidence")
    hostile = evidence[evidence["source_file"] == "surveys/hostile.csv"]["evidence_id"].iloc[0]
    themes = store.load_table(data, "themes").sort_values("mentions", ascending=False)
    registry = ThemeRegistry.load(default_path(data))
    registry.pin_quote(themes["theme_id"].iloc[0], hostile, who="test")
    registry.rename(themes["theme_id"].iloc[0], "Pinned & renamed <b>theme</b>", who="test")
    registry.save(default_path(data))
    second = run_quarterly(data, out, themes_settings=fakes())
    return {"data": data, "out": out, "first": first, "second": second, "first_kpis": first_kpis,
            "first_assign": first_assign}


