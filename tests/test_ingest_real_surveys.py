"""Survey exports as the tools write them (hand-written fixtures in tests/fixtures/real/surveys/):
columns found by content, previews and unfinished responses counted out, wrong columns refused."""
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from workbench.ingest import classify, ingest
from workbench.ingest.layouts import SurveyLayout, shipped_file, shipped_layouts
from workbench.ingest.reading import read_text

REAL = Path(__file__).parent / "fixtures" / "real" / "surveys"


def _folder(tmp_path: Path, *fixtures: str, files: dict | None = None, settings: dict | None = None) -> Path:
    (tmp_path / "surveys").mkdir(parents=True, exist_ok=True)
    for name in fixtures:
        shutil.copy(REAL / name, tmp_path / "surveys" / name)
    for name, data in (files or {}).items():
        (tmp_path / "surveys" / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if settings is not None:
        (tmp_path / "workbench.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return tmp_path


def _ingest(folder: Path):
    result = ingest(folder, write=False)
    files = result.files
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    assert result.rows_read == result.rows_accepted + result.rows_quarantined
    return result


def _counts(result, rel: str) -> tuple[int, int, int]:
    entry = result.files.set_index("source_file").loc[rel]
    return int(entry["rows_read"]), int(entry["rows_accepted"]), int(entry["rows_quarantined"])


def _nps(result, rel: str) -> pd.DataFrame:
    nps = result.tables["nps_responses"]
    return nps[nps["source_file"] == rel].set_index("response_id")


def _ev(result, rel: str) -> pd.DataFrame:
    ev = result.tables["evidence"]
    return ev[ev["source_file"] == rel].set_index("locator")


def _reasons(result, rel: str) -> dict[str, str]:
    q = result.quarantine
    return dict(zip(q.loc[q["source_file"] == rel, "locator"], q.loc[q["source_file"] == rel, "reason"]))


def _assert_no_pii(result, *planted: str) -> None:
    text = "\n".join(result.tables["evidence"]["text"]).lower()
    for item in planted:
        assert item.lower() not in text, item
    raw = "\n".join(result.quarantine["raw"]).lower()
    for item in planted:
        assert item.lower() not in raw, item


# ------------------------------------------------------------------ the layouts themselves

def test_every_shipped_layout_validates_and_unknown_keys_are_refused():
    raw = shipped_file()["layouts"]
    assert set(raw) == {"generic", "qualtrics", "qualtrics_legacy", "surveymonkey", "typeform", "google_forms",
                        "delighted", "medallia"}
    for spec in raw.values():
        SurveyLayout.model_validate(spec)
    assert shipped_layouts()["qualtrics"].nps_group_suffix == "_NPS_GROUP"
    assert "score" not in shipped_layouts()["qualtrics"].columns  # found by its question, never as "Q1"
    with pytest.raises(ValueError, match="colums"):
        SurveyLayout.model_validate({"detect": ["x"], "colums": {"score": "x"}})
    with pytest.raises(ValueError, match="unknown field 'nps'"):
        SurveyLayout.model_validate({"columns": {"nps": "x"}})


def test_utf16_text_and_survey_file_kinds(tmp_path):
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        path = tmp_path / f"t_{codec}.tsv"
        path.write_bytes(bom + "a\tb\r\nÉté\t9\r\n".encode(codec))
        assert read_text(path).text == "a\tb\r\nÉté\t9\r\n"
    assert classify("surveys/export.tsv") == "survey" and classify("surveys/export.xlsx") == "survey"
    assert classify("surveys/export.xls") == "unknown"


# ------------------------------------------------------------------ each real layout

def test_qualtrics_role_asked_first_nps_found_by_question_and_group(tmp_path):
    rel = "surveys/qualtrics_role_first.csv"
    result = _ingest(_folder(tmp_path, "qualtrics_role_first.csv"))
    assert _counts(result, rel) == (5, 3, 2)
    assert result.files.set_index("source_file").loc[rel, "layout"] == "qualtrics"
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"R_2xKq8Lm4PzT1aBc": 10, "R_1dTr7QwErTyUiOp": 7, "R_3zXcVbNm1LkJhGf": 0}
    assert nps["persona"].to_dict() == {"R_2xKq8Lm4PzT1aBc": "Administrator", "R_1dTr7QwErTyUiOp": "Practitioner",
                                        "R_3zXcVbNm1LkJhGf": "Executive sponsor"}
    assert nps.loc["R_1dTr7QwErTyUiOp", "date"] == pd.Timestamp("2026-07-15")
    assert nps.loc["R_3zXcVbNm1LkJhGf", "account_id"] == "A0003"
    ev = _ev(result, rel)
    # the reason question (Q3), not "anything else" (Q4)
    assert ev.loc["row 5", "text"] == "Dashboards are slow to load on Monday mornings"
    assert ev.loc["row 6", "text"].startswith("The renewal price jumped 40% without warning.")
    assert ev.loc["row 6", "score"] == 0 and ev.loc["row 6", "quarter"] == "2026Q3"
    reasons = _reasons(result, rel)
    assert "Survey Preview" in reasons["row 7"] and reasons["row 8"] == "unfinished response (Finished = 'False')"
    _assert_no_pii(result, "jordan.blake@northwind.example", "Priya Raman", "Raman", "tomas.l@initech.example")


def test_qualtrics_tsv_utf16_numeric_export(tmp_path):
    rel = "surveys/qualtrics_numeric_utf16.tsv"
    result = _ingest(_folder(tmp_path, "qualtrics_numeric_utf16.tsv"))
    assert _counts(result, rel) == (6, 3, 3)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"R_aaaaaaaaaaaaaa1": 9, "R_aaaaaaaaaaaaaa2": 4, "R_aaaaaaaaaaaaaa3": 8}
    assert nps["persona"].isna().all()  # role codes 1-4 are not role names, and never scores
    warnings = result.warnings[result.warnings["source_file"] == rel]
    assert len(warnings) == 1 and "column 'Q1'" in warnings.iloc[0]["reason"]
    assert _ev(result, rel).loc["row 6", "text"] == "Café menu of integrations is good — more would be better"
    reasons = _reasons(result, rel)
    assert set(reasons) == {"row 7", "row 8", "row 9"}
    assert "Status '1'" in reasons["row 7"] and "Status '8'" in reasons["row 8"]
    assert reasons["row 9"] == "unfinished response (Finished = '0')"
    _assert_no_pii(result, "Kenji Nakamura", "Nakamura", "claire.dubois@hooli.example")


def test_surveymonkey_role_first_with_other_box(tmp_path):
    rel = "surveys/surveymonkey_role_first.csv"
    result = _ingest(_folder(tmp_path, "surveymonkey_role_first.csv"))
    assert _counts(result, rel) == (3, 3, 0)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"118273645501": 9, "118273698812": 3, "118273711420": 8}
    assert nps.loc["118273645501", "persona"] == "Admin"
    assert nps.loc["118273711420", "date"] == pd.Timestamp("2026-09-04")  # 11:32 PM, no zone: as written
    ev = _ev(result, rel)
    assert list(ev.index) == ["row 3", "row 4"]  # the third response has no comment
    assert ev.loc["row 4", "text"].startswith("Billing surprises every quarter")
    _assert_no_pii(result, "Ines Garcia", "bob.lee@contoso.example")


def test_typeform_partial_response_counted_out(tmp_path):
    rel = "surveys/typeform_responses.csv"
    result = _ingest(_folder(tmp_path, "typeform_responses.csv"))
    assert _counts(result, rel) == (3, 2, 1)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"4k1x9q2m7z0c8v5b3n6a": 10, "7h2j4k6l8m0n1p3q5r7s": 6}
    assert nps.loc["7h2j4k6l8m0n1p3q5r7s", "date"] == pd.Timestamp("2026-08-31")
    assert nps.loc["7h2j4k6l8m0n1p3q5r7s", "persona"] == "Sponsor"
    assert nps.loc["4k1x9q2m7z0c8v5b3n6a", "account_id"] == "A0011"
    assert _reasons(result, rel) == {"row 4": "unfinished response (Typeform Response Type 'partial')"}
    assert _ev(result, rel).loc["row 3", "text"] == "Renewal pricing is hard to justify"
    _assert_no_pii(result, "Sofia Marquez", "sofia.marquez@tailspin.example")


def test_google_forms_gmt_minus_7_stamps_are_stored_as_utc_dates(tmp_path):
    rel = "surveys/google_forms_responses.csv"
    result = _ingest(_folder(tmp_path, "google_forms_responses.csv"))
    assert _counts(result, rel) == (4, 3, 1)
    ev = _ev(result, rel)
    # 6:53 PM GMT-7 is 01:53 UTC the next day: the response of 30 September belongs to 2026Q4
    assert ev.loc["row 2", "date"] == pd.Timestamp("2026-09-13")
    assert ev.loc["row 3", "date"] == pd.Timestamp("2026-10-01") and ev.loc["row 3", "quarter"] == "2026Q4"
    assert ev.loc["row 4", "date"] == pd.Timestamp("2026-09-30") and ev.loc["row 4", "quarter"] == "2026Q3"
    assert ev.loc["row 3", "score"] == 4 and ev.loc["row 3", "persona"] == "Practitioner"
    nps = _nps(result, rel)
    assert sorted(nps["score"]) == [4, 9, 10] and all(i.startswith("google_forms-") for i in nps.index)
    # the same answer twice (an export downloaded over another) is a duplicate, by its derived id
    assert _reasons(result, rel)["row 5"].startswith("duplicate id 'google_forms-")
    _assert_no_pii(result, "Lena Fischer", "lena.fischer@proseware.example", "omar.haddad@litware.example")


def test_delighted_utc_stamps_and_properties(tmp_path):
    rel = "surveys/delighted_export.csv"
    result = _ingest(_folder(tmp_path, "delighted_export.csv"))
    assert _counts(result, rel) == (3, 3, 0)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"83920011": 10, "83920012": 2, "83920013": 8}
    assert nps["date"].to_dict() == {"83920011": pd.Timestamp("2026-08-25"), "83920012": pd.Timestamp("2026-08-25"),
                                     "83920013": pd.Timestamp("2026-08-26")}
    assert nps.loc["83920012", "persona"] == "Practitioner" and nps.loc["83920012", "account_id"] == "A0015"
    assert list(_ev(result, rel).index) == ["row 2", "row 3"]
    _assert_no_pii(result, "Hana Kobayashi", "hana.k@northwind.example")


def test_medallia_style_ltr_and_ltr_comment(tmp_path):
    rel = "surveys/medallia_export.csv"
    result = _ingest(_folder(tmp_path, "medallia_export.csv"))
    assert _counts(result, rel) == (3, 3, 0)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"MED-200145": 9, "MED-200146": 5, "MED-200147": 10}  # not the 1-5 CSAT
    assert nps.loc["MED-200146", "date"] == pd.Timestamp("2026-08-19")
    assert nps.loc["MED-200146", "account_id"] == "A0018" and nps.loc["MED-200145", "persona"] == "Admin"
    assert _ev(result, rel).loc["row 3", "text"] == "Search never finds the right inspection"
    _assert_no_pii(result, "Grace Holm", "grace.holm@relecloud.example")


# ------------------------------------------------------------------ Excel workbooks

QUALTRICS_NAMES = ["StartDate", "EndDate", "Status", "Finished", "RecordedDate", "ResponseId", "RecipientLastName",
                   "RecipientFirstName", "RecipientEmail", "ExternalReference", "Q1", "Q2", "Q2_NPS_GROUP", "Q3"]
QUALTRICS_TEXTS = ["Start Date", "End Date", "Response Type", "Finished", "Recorded Date", "Response ID",
                   "Recipient Last Name", "Recipient First Name", "Recipient Email", "External Data Reference",
                   "What is your role?", "How likely are you to recommend Brightloop to a colleague?",
                   "How likely are you to recommend Brightloop to a colleague? - Group", "Why did you give that score?"]


def test_xlsx_qualtrics_workbook_uses_spreadsheet_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet0"
    sheet.append(QUALTRICS_NAMES)
    sheet.append(QUALTRICS_TEXTS)
    sheet.append(['{"ImportId":"%s"}' % n for n in QUALTRICS_NAMES])
    when = dt.datetime(2026, 8, 10, 16, 30)
    sheet.append([when, when, "IP Address", True, when, "R_x1", "Adeyemi", "Tunde", "tunde.adeyemi@contoso.example",
                  "A0020", "Admin", "10 - Extremely likely", "Promoter", "Tunde Adeyemi here: the audit log is great"])
    sheet.append([])  # a blank row: row 5 is skipped, the next response sits on row 6
    sheet.append([when, when, "IP Address", True, dt.datetime(2026, 8, 11, 9, 0), "R_x2", "Berg", "Eva", "", "A0021",
                  "Practitioner", 6, "Passive", "Too many clicks to close an inspection"])
    sheet.append([when, when, "Survey Preview", True, when, "R_x3", "", "", "", "", "Admin", 1, "Detractor", "test"])
    (tmp_path / "surveys").mkdir()
    book.save(tmp_path / "surveys" / "qualtrics.xlsx")
    rel = "surveys/qualtrics.xlsx"
    result = _ingest(tmp_path)
    assert _counts(result, rel) == (3, 2, 1)
    nps = _nps(result, rel)
    assert nps["score"].to_dict() == {"R_x1": 10, "R_x2": 6}
    assert nps.loc["R_x2", "date"] == pd.Timestamp("2026-08-11") and nps.loc["R_x2", "persona"] == "Practitioner"
    assert list(_ev(result, rel).index) == ["row 4", "row 6"]
    assert "Survey Preview" in _reasons(result, rel)["row 7"]
    _assert_no_pii(result, "Tunde Adeyemi", "tunde.adeyemi@contoso.example")


def test_xlsx_with_two_sheets_names_the_sheet_in_locators(tmp_path):
    book = openpyxl.Workbook()
    answers = book.active
    answers.title = "Form Responses 1"
    answers.append(["Timestamp", "How likely are you to recommend Brightloop to a friend?", "Why?"])
    answers.append(["2026/07/01 9:00:00 AM GMT+2", 8, "Good value"])
    answers.append(["2026/07/02 9:00:00 AM GMT+2", 3, "Slow exports"])
    notes = book.create_sheet("Notes")
    notes.append(["note"])
    notes.append(["exported for the Q3 review"])
    (tmp_path / "surveys").mkdir()
    book.save(tmp_path / "surveys" / "forms.xlsx")
    rel = "surveys/forms.xlsx"
    result = _ingest(tmp_path)
    assert _counts(result, rel) == (3, 2, 1)
    ev = _ev(result, rel)
    assert list(ev.index) == ["sheet 'Form Responses 1' row 2", "sheet 'Form Responses 1' row 3"]
    assert ev.loc["sheet 'Form Responses 1' row 3", "score"] == 3
    assert ev.loc["sheet 'Form Responses 1' row 2", "date"] == pd.Timestamp("2026-07-01")
    reasons = _reasons(result, rel)
    assert list(reasons) == ["sheet 'Notes' row 2"] and "unrecognised survey layout" in reasons["sheet 'Notes' row 2"]


# ------------------------------------------------------------------ workbench.yml layouts

PULSE = ("ResponseId,RecordedDate,Pulse NPS,Why,Q1\n"
         "P1,03/04/2026 10:00,9,Quick setup,2\n"
         "P2,28/02/2026 17:45,2,Invoices are confusing,1\n"
         "P3,2026-04-05,8,Fine,3\n")


def test_custom_layout_wins_over_shipped_and_reads_its_date_format(tmp_path):
    settings = {"survey_layouts": {"pulse": {
        "detect": ["ResponseId", "RecordedDate", "Pulse NPS"], "date_format": "%d/%m/%Y %H:%M",
        "columns": {"response_id": "ResponseId", "date": "RecordedDate", "score": "Pulse NPS", "comment": "Why"}}}}
    rel = "surveys/pulse.csv"
    result = _ingest(_folder(tmp_path, files={"pulse.csv": PULSE}, settings=settings))
    assert result.files.set_index("source_file").loc[rel, "layout"] == "pulse"  # qualtrics' columns are there too
    assert _counts(result, rel) == (3, 2, 1)
    nps = _nps(result, rel)
    assert nps["date"].to_dict() == {"P1": pd.Timestamp("2026-04-03"), "P2": pd.Timestamp("2026-02-28")}
    assert nps["score"].to_dict() == {"P1": 9, "P2": 2}
    assert _reasons(result, rel)["row 4"].startswith("date '2026-04-05' does not match date_format '%d/%m/%Y %H:%M'")


def test_invalid_custom_layout_stops_the_run_naming_the_key(tmp_path):
    """A typo in a layout is a broken workbench.yml: the run stops before anything is stored."""
    from workbench.errors import SettingsError

    settings = {"survey_layouts": {"mine": {"detect": ["response_id"], "colums": {"score": "score"}}}}
    folder = _folder(tmp_path, files={"a.csv": "response_id,date,score\nR1,2026-07-01,9\n"}, settings=settings)
    with pytest.raises(SettingsError, match=r"unknown key 'survey_layouts.mine.colums'; did you mean 'columns'\?"):
        _ingest(folder)
    assert not (folder / ".workbench").exists()


# ------------------------------------------------------------------ sanity checks refuse wrong numbers

ROLE_CODES = "ResponseId,RecordedDate,Q1,Q2\n" + "".join(
    f"R{i},2026-07-{i:02d},{code},{score}\n" for i, (code, score) in
    enumerate(zip([1, 2, 3, 4, 2, 1, 3, 4, 2, 1], [9, 10, 3, 7, 8, 0, 6, 9, 10, 5]), start=1))


def _generic(scores: list[str], comments: list[str] | None = None, prefix: str = "R") -> str:
    comments = comments or ["ok"] * len(scores)
    rows = [f"{prefix}{i},2026-07-{i:02d},{s},{c}" for i, (s, c) in enumerate(zip(scores, comments), start=1)]
    return "response_id,date,score,comment\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("name, data, settings, expected", [
    ("roles.csv", ROLE_CODES,
     {"survey_layouts": {"old": {"detect": ["ResponseId", "Q1"],
                                 "columns": {"response_id": "ResponseId", "date": "RecordedDate", "score": "Q1",
                                             "comment": "Q2"}}}},
     ["column 'Q1' was taken as the 0–10 score but its values are 1–4 (looks like a choice question",
      "survey_layouts"]),
    ("words.csv", _generic(["Promoter", "Detractor", "Passive", "Promoter", "9"]), None,
     ["column 'score' was taken as the 0–10 score but 4 of 5 values are not numbers (e.g. 'Promoter')"]),
    ("fractions.csv", _generic(["7.5", "8.25", "6.1", "9", "4.4"]), None,
     ["4 of 5 values are not whole numbers"]),
    ("percent.csv", _generic(["55", "80", "95", "100", "7"]), None,
     ["4 of 5 values are outside 0–10 (its values are 7–100)"]),
    ("numbers.csv", _generic(["9", "8", "10", "7"], ["9", "10 - Extremely likely", "8", "great"]), None,
     ["column 'comment' was taken as the comment but 3 of 4 answers are numbers"]),
    ("csat.csv", "Response ID,Score,Comment,Created\n" + "".join(  # a Delighted CSAT export: 1-5
        f"{i},{1 + i * 7 % 5},,2026-08-{1 + i % 28:02d} 10:00:00 UTC\n" for i in range(1, 31)), None,
     ["column 'Score' was taken as the 0–10 score but its values are 1–5 (a 1–5 scale, not 0–10)"]),
    ("two_nps.csv", "#,How likely are you to recommend the product to a friend?,"
     "How likely are you to recommend our support team to a colleague?,Why?,Submit Date (UTC),Network ID\n"
     "t1,9,10,Great,2026-08-01 10:00:00,n1\nt2,6,8,Meh,2026-08-02 10:00:00,n2\n", None,
     ["matches 2 columns", "How likely are you to recommend the product", "our support team"]),
])
def test_wrong_columns_refuse_the_whole_file(tmp_path, name, data, settings, expected):
    rel = f"surveys/{name}"
    result = _ingest(_folder(tmp_path, files={name: data}, settings=settings))
    n_rows = data.count("\n") - 1
    assert _counts(result, rel) == (n_rows, 0, n_rows)
    reasons = set(_reasons(result, rel).values())
    assert len(reasons) == 1  # one reason for the whole file
    reason = reasons.pop()
    for part in expected:
        assert part in reason
    assert len(result.tables["nps_responses"]) == 0


def test_small_legit_files_are_not_refused(tmp_path):
    files = {
        "three_promoters.csv": _generic(["9", "10", "9"], prefix="A"),
        "few_low.csv": _generic(["2", "3", "5", "4"], prefix="B"),  # below the 1–5 minimum: too few to judge
        "labelled.csv": _generic(["10 - Extremely likely", "0 - Not at all likely", "Extremely likely", "6"],
                                 prefix="C"),
        "one_bad.csv": _generic(["9", "11", "8", "n/a", "7", "6"], prefix="D"),  # single bad values: row problems
        "detractors.csv": _generic(["2"] * 12, prefix="E"),  # a "score" column: 12 unhappy customers are plausible
    }
    result = _ingest(_folder(tmp_path, files=files))
    assert _counts(result, "surveys/three_promoters.csv") == (3, 3, 0)
    assert _counts(result, "surveys/few_low.csv") == (4, 4, 0)
    assert _counts(result, "surveys/labelled.csv") == (4, 4, 0)
    assert sorted(_nps(result, "surveys/labelled.csv")["score"]) == [0, 6, 10, 10]
    assert _counts(result, "surveys/detractors.csv") == (12, 12, 0)
    assert _counts(result, "surveys/one_bad.csv") == (6, 4, 2)
    assert _reasons(result, "surveys/one_bad.csv") == {"row 3": "score '11' out of range 0–10",
                                                       "row 5": "score 'n/a' is not a number"}


def test_documented_layout_example_validates():
    doc = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    block = doc.split("### Your own layouts", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    for spec in yaml.safe_load(block)["survey_layouts"].values():
        layout = SurveyLayout.model_validate(spec)
        assert layout.date_format == "%d/%m/%Y %H:%M" and layout.exclude[0].keep == ["0", "IP Address"]
