"""Property: the survey loader never loses or invents rows, whatever the content, delimiter or encoding."""
import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.ingest import ingest

score_values = st.one_of(
    st.integers(0, 10).map(str),
    st.sampled_from(["", "n/a", "11", "-1", "7.5", "ten", " 8 "]),
)
date_values = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "yesterday", "2026-13-45", "08/14/2026"]),
)
comment_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00") | st.sampled_from(
        [",", ";", "\t", '"', "\n", "é", "😀"]
    ),
    max_size=40,
)
row = st.tuples(st.sampled_from(["R1", "R2", "R3", "R4", "", "R5", "R6", "R7"]), date_values, score_values, comment_values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_survey_rows_read_equal_accepted_plus_quarantined(tmp_path_factory, rows, delimiter, encoding):
    folder: Path = tmp_path_factory.mktemp("survey")
    (folder / "surveys").mkdir()
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["response_id", "date", "score", "comment"])
    if encoding == "cp1252":
        rows = [(i, d, s, c.encode("cp1252", "replace").decode("cp1252")) for i, d, s, c in rows]
    writer.writerows(rows)
    (folder / "surveys" / "s.csv").write_bytes(buf.getvalue().encode(encoding))

    result = ingest(folder, write=False)
    entry = result.files.set_index("source_file").loc["surveys/s.csv"]
    # every data row written is read exactly once, and is either accepted or quarantined
    assert entry["rows_read"] == len(rows)
    assert entry["rows_read"] == entry["rows_accepted"] + entry["rows_quarantined"]
    accepted = result.tables["nps_responses"]
    assert len(accepted) == entry["rows_accepted"]
    # nothing invented: accepted ids are distinct and were in the input with a valid score
    assert accepted["response_id"].is_unique
    valid_ids = {i.strip() for i, _, s, _ in rows if s.strip().isdigit() and 0 <= int(s) <= 10}
    assert set(accepted["response_id"]) <= valid_ids
    quarantined = result.quarantine[result.quarantine["source_file"] == "surveys/s.csv"]
    assert len(quarantined) == entry["rows_quarantined"]
    assert quarantined["reason"].str.len().gt(0).all()
