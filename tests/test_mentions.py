"""Mentions: sentence and clause splitting with exact spans; extended BCubed on a hand-checked case."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.themes.mentions import mention_table, split_mentions
from workbench.themes.overlap import extended_bcubed


def texts_of(text: str) -> list[str]:
    """The mention texts, after checking every span is exact, in order and not overlapping."""
    mentions = split_mentions(text)
    last = 0
    for start, end, mention in mentions:
        assert text[start:end] == mention
        assert last <= start < end
        assert mention == mention.strip()
        last = end
    return [m for _, _, m in mentions]


def test_sentences_split_with_exact_spans():
    text = "The export to PDF fails every time.  Search results load very slowly! Why is dark mode gone?"
    assert texts_of(text) == ["The export to PDF fails every time.", "Search results load very slowly!",
                              "Why is dark mode gone?"]


@pytest.mark.parametrize("text", [
    "Settings are hidden, e.g. the export options are three menus deep in the app.",
    "It needs a proper sync, i.e. one that works offline and on every device.",
    "Mr. Jones and Dr. Smith both said the booking form is confusing to use.",
    "I bought it in the U.S. store and it will not install on my tablet.",
    "Since v2.1 the app takes 3.5 GB of storage on my phone for no reason.",
    "It takes approx. ten minutes to sync a small calendar over wifi.",
    "See https://example.com/help/v2.1/sync.html?x=1.2 for the steps that fail on my phone.",
    "It stalls at loading... then it finally opens the main screen after a minute.",
])
def test_abbreviations_numbers_urls_and_ellipses_do_not_split(text):
    assert texts_of(text) == [text]


def test_a_capital_after_an_acronym_or_etc_can_end_a_sentence():
    assert texts_of("I moved here from the U.S. The old version was fine there.") == [
        "I moved here from the U.S.", "The old version was fine there."]
    assert texts_of("It lacks tags, folders, colours etc. The search is also very slow.") == [
        "It lacks tags, folders, colours etc.", "The search is also very slow."]


def test_lists_split_per_item_without_markers():
    text = ("Problems since the update:\n- login fails every time\n- export is very slow\n\n"
            "1. sync is broken\n2) battery drains fast")
    assert texts_of(text) == ["Problems since the update", "login fails every time", "export is very slow",
                              "sync is broken", "battery drains fast"]
    assert texts_of("Things to fix: 1) the login page 2) the export button 3) dark mode please") == [
        "Things to fix", "the login page", "the export button", "dark mode please"]
    assert texts_of("• fast sync for all devices • clean layout on tablets") == [
        "fast sync for all devices", "clean layout on tablets"]


def test_hard_wrapped_line_stays_one_sentence():
    assert texts_of("The calendar view is wrapped\nin a frame that is too small. The rest is fine here.") == [
        "The calendar view is wrapped\nin a frame that is too small.", "The rest is fine here."]


def test_emoji_are_kept():
    text = "Love the new layout so much 😍 The sync keeps failing on my tablet 😡"
    assert texts_of(text) == ["Love the new layout so much 😍", "The sync keeps failing on my tablet 😡"]
    assert texts_of("It crashed again after the update! 😡 Please fix it soon") == [
        "It crashed again after the update! 😡", "Please fix it soon"]
    assert texts_of("Search is slow :( ") == ["Search is slow :("]
    assert texts_of("👍") == ["👍"]


def test_run_on_without_punctuation_stays_one_mention_unless_a_contrast_word():
    run_on = "this app is ok i use it every day to read comics on my phone and it works fine most of the time"
    assert texts_of(run_on) == [run_on]
    assert texts_of("this app is ok i use it every day but it crashes whenever i open big files") == [
        "this app is ok i use it every day", "but it crashes whenever i open big files"]


@pytest.mark.parametrize("text, expected", [
    ("love the scheduling, but the mobile app crashes offline",
     ["love the scheduling", "but the mobile app crashes offline"]),
    ("The reports look great, however the export to Excel is broken",
     ["The reports look great", "however the export to Excel is broken"]),
    ("I use it daily although the login takes far too long",
     ["I use it daily", "although the login takes far too long"]),
    ("The interface is nice; the search never finds my old notes",
     ["The interface is nice", "the search never finds my old notes"]),
    ("Pages load slowly and also the prices went up a lot",
     ["Pages load slowly", "and also the prices went up a lot"]),
])
def test_contrast_words_split_clauses(text, expected):
    assert texts_of(text) == expected


def test_no_split_after_anything_but_or_at_sentence_start():
    assert texts_of("Nothing but problems since the last update.") == ["Nothing but problems since the last update."]
    assert texts_of("But the export still fails for large files.") == ["But the export still fails for large files."]


def test_short_fragments_merge_into_a_neighbour():
    assert texts_of("Great app! The export to PDF fails every time.") == [
        "Great app! The export to PDF fails every time."]
    assert texts_of("The export to PDF fails every time. Fix it!") == ["The export to PDF fails every time. Fix it!"]
    assert texts_of("Good but slow") == ["Good but slow"]
    # a short clause joins its own sentence rather than the sentence before
    assert texts_of("The app crashes a lot on startup. Pretty but slow.") == [
        "The app crashes a lot on startup.", "Pretty but slow."]


def test_blank_text_has_no_mentions_and_any_other_text_one_at_least():
    assert split_mentions("") == []
    assert split_mentions("   \n ") == []
    assert len(split_mentions("...")) == 1
    assert len(split_mentions("ok")) == 1


def test_mention_table_shape_ids_and_spans():
    statements = pd.DataFrame({
        "evidence_id": ["a", "b", "c", "d"],
        "text": ["love the scheduling, but the mobile app crashes offline",
                 "One concern only, stated plainly here.", "", "  Trimmed statement with spaces around  "],
    })
    table = mention_table(statements)
    assert list(table.columns) == ["evidence_id", "mention", "start", "end", "text", "core"]
    assert table["evidence_id"].tolist() == ["a", "a", "b", "d"]
    assert table["mention"].tolist() == [0, 1, 0, 0]
    by_id = statements.set_index("evidence_id")["text"]
    for row in table.itertuples():
        assert by_id[row.evidence_id][row.start:row.end] == row.text
    one = table[table["evidence_id"] == "b"].iloc[0]
    assert (one.start, one.end) == (0, len(by_id["b"]))
    renamed = statements.rename(columns={"text": "body", "evidence_id": "id"})
    other = mention_table(renamed, text_col="body", id_col="id")
    assert list(other.columns) == ["id", "mention", "start", "end", "text", "core"] and len(other) == len(table)
    assert mention_table(statements.iloc[:0]).empty


def test_extended_bcubed_on_a_hand_checked_example():
    # clusters and categories of three items (Amigó et al. 2009, multiplicity precision / recall):
    # P = mean(2/3, 1, 1/2) = 13/18; R = mean(1, 5/6, 1) = 17/18; F = 2PR / (P + R) = 442/540
    clusters = [{1}, {1}, {1, 2}]
    categories = [{"a"}, {"a", "b"}, {"b"}]
    p, r, f = extended_bcubed(clusters, categories)
    assert p == pytest.approx(13 / 18)
    assert r == pytest.approx(17 / 18)
    assert f == pytest.approx(442 / 540)


def test_extended_bcubed_limits():
    same = [{1, 2}, {2}, {3}]
    assert extended_bcubed(same, [{"x", "y"}, {"y"}, {"z"}]) == pytest.approx((1.0, 1.0, 1.0))
    # everything in one cluster against four categories: precision 1/4, recall 1
    assert extended_bcubed([{0}] * 4, [{"a"}, {"b"}, {"c"}, {"d"}])[:2] == pytest.approx((0.25, 1.0))
    # an unthemed item is a cluster of its own: costs recall, not precision
    assert extended_bcubed([{0}, set()], [{"a"}, {"a"}])[:2] == pytest.approx((1.0, 0.5))
    with pytest.raises(ValueError):
        extended_bcubed([{0}], [])


def test_a_sentence_that_points_back_stays_with_the_one_before():
    assert texts_of("The export keeps failing. It makes the tool hard to defend internally.") == [
        "The export keeps failing. It makes the tool hard to defend internally."]
    assert texts_of("Dashboards are slow. This happens every morning. Also the invoice was wrong.") == [
        "Dashboards are slow. This happens every morning.", "Also the invoice was wrong."]
    # a new subject, or a contrast inside the sentence, still starts a mention of its own
    assert texts_of("The app is great. Itineraries never sync though.") == [
        "The app is great.", "Itineraries never sync though."]
    assert texts_of("I love the scheduling, but it crashes offline.") == ["I love the scheduling", "but it crashes offline."]


def test_a_follow_up_that_leans_on_the_sentence_before_joins_it():
    # a subject "this" before a verb in -s, a modal or a negation points back
    assert texts_of("The Salesforce connector drops records. This affects 48 users.") == [
        "The Salesforce connector drops records. This affects 48 users."]
    assert texts_of("The Salesforce connector drops records. That won't do for our audit.") == [
        "The Salesforce connector drops records. That won't do for our audit."]
    # a short sentence ending on a pronoun asks about, or judges, what came before
    assert texts_of("Slack posts every alert twice. Can you look into this?") == [
        "Slack posts every alert twice. Can you look into this?"]
    assert texts_of("The new dashboard loads instantly. We love it! 😍") == [
        "The new dashboard loads instantly. We love it! 😍"]
    # "this" before a singular noun is a determiner: a new subject, a new mention
    assert texts_of("The export keeps failing. This status page is wrong too.") == [
        "The export keeps failing.", "This status page is wrong too."]
    assert texts_of("The export keeps failing. This process takes ages.") == [
        "The export keeps failing.", "This process takes ages."]
    # a longer sentence that ends on "it" says enough of its own
    assert texts_of("The export keeps failing. The mobile app crashes whenever I open it.") == [
        "The export keeps failing.", "The mobile app crashes whenever I open it."]
    # nothing before it: a first sentence stays
    assert texts_of("Can you look into this? The export keeps failing.") == [
        "Can you look into this?", "The export keeps failing."]


def test_the_core_of_a_mention_leaves_out_its_opening_fillers():
    from workbench.themes.mentions import mention_core

    assert mention_core("Biggest issue: the assistant's answers are often just wrong.") == \
        "the assistant's answers are often just wrong."
    assert mention_core("Honestly, um, SSO with Okta breaks every week") == "SSO with Okta breaks every week"
    assert mention_core("but it crashes offline.") == "it crashes offline."
    assert mention_core("Thanks!") == "Thanks!"                      # all filler: the text stays
    assert mention_core("Please add dark mode") == "Please add dark mode"   # an ask is not a filler
