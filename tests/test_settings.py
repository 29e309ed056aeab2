"""workbench.yml is validated: a typo or a broken file stops the run before anything is stored."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import SettingsError, WorkbenchError
from workbench.ingest import ingest
from workbench.ingest.settings import read_settings

GOOD = """company:
  name: Brightloop
  email_domains: ["@Brightloop.io"]
  staff: [Dana Whitfield]
phone_regions: [US, gb, DE]
pii:
  keep_words: [Jira]
"""


def _folder(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "workbench.yml").write_text(settings, encoding="utf-8")
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "nps.csv").write_text(
        "response_id,date,score,comment\nR1,2026-08-01,9,Dana Whitfield set it up for us\n", encoding="utf-8")
    return tmp_path


def test_valid_settings_are_read(tmp_path):
    parsed, exists = read_settings(_folder(tmp_path, GOOD))
    assert exists
    assert parsed.company.email_domains == ["brightloop.io"]
    assert parsed.phone_regions == ["US", "GB", "DE"]
    assert parsed.pii.keep_words == ["Jira"]


@pytest.mark.parametrize("text, expected", [
    ("company:\n  name: X\n  staf: [Dana]\n", "unknown key 'company.staf'; did you mean 'staff'?"),
    ("company:\n  email_domain: [x.io]\n", "did you mean 'email_domains'?"),
    ("phone_region: [US]\n", "'phone_region'"),
    ("phone_regions: [XX]\n", "'XX' is not a region code"),
    ("surveys_layouts: {}\n", "did you mean 'survey_layouts'?"),
    ("survey_layouts:\n  mine:\n    header_row: 2\n",
     "unknown key 'survey_layouts.mine.header_row'; did you mean 'header_rows'?"),
    ("company:\n  name: X\n   staff: [a]\n", "not valid YAML"),
    ("- a\n- b\n", "top level must be a mapping"),
])
def test_broken_settings_name_the_problem(tmp_path, text, expected):
    with pytest.raises(SettingsError) as err:
        read_settings(_folder(tmp_path, text))
    assert expected in str(err.value)
    assert "workbench.yml" in str(err.value)


def test_unknown_key_names_its_line(tmp_path):
    with pytest.raises(SettingsError, match=r"workbench.yml line 3: unknown key 'company.staf'"):
        read_settings(_folder(tmp_path, "company:\n  name: X\n  staf: [Dana]\n"))


def test_settings_error_has_the_common_root():
    assert issubclass(SettingsError, WorkbenchError)


def test_broken_settings_store_nothing(tmp_path):
    folder = _folder(tmp_path, "company:\n  staf: [Dana Whitfield]\n")
    with pytest.raises(SettingsError):
        ingest(folder)
    assert not (folder / ".workbench").exists()


def test_cli_exits_2_on_broken_settings(tmp_path):
    folder = _folder(tmp_path, "company:\n  staf: [Dana Whitfield]\n")
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "ingest", str(folder)],
                         capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "did you mean 'staff'?" in run.stderr
    assert not (folder / ".workbench").exists()


def test_staff_from_valid_settings_are_redacted(tmp_path):
    result = ingest(_folder(tmp_path, GOOD), write=False)
    text = result.tables["evidence"]["text"].iloc[0]
    assert "Dana" not in text and "Whitfield" not in text
    assert "[Company staff]" in text
