"""Theme names: short phrases from the members' own words, distinct, deterministic (fake encoder)."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from workbench.themes.names import _typos, clauses, phrases, theme_candidates, theme_names

DIM = 256


def fake_encode(texts: list[str]) -> np.ndarray:
    """Hashed bag of lower-case words, L2-normalised: texts sharing words land close."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9']+", str(text).lower()):
            out[i, sum(map(ord, word)) * 2654435761 % DIM] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def centroids_of(themes: list[list[str]]) -> np.ndarray:
    rows = []
    for texts in themes:
        mean = fake_encode(texts).mean(axis=0) if texts else np.zeros(DIM, dtype=np.float32)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    return np.asarray(rows, dtype=np.float32)


OFFLINE = ["The app crashes when offline", "the app crashes when I am offline", "App crashes offline again",
           "Why does the app crash when offline?", "the app crashes when offline on my phone"]
BILLING = ["I was charged twice for my invoice", "Invoice charged twice this month", "charged twice on the invoice",
           "My invoice shows I was charged twice", "Why was I charged twice?"]
EXPORT = ["Export to Excel is broken", "The Excel export is broken", "excel export broken since the update",
          "Please fix the broken Excel export", "exporting to excel is broken"]
THEMES = [OFFLINE, BILLING, EXPORT]


def name_all(themes, **kwargs):
    return theme_names(themes, centroids_of(themes), fake_encode, **kwargs)


def words_of(texts) -> set[str]:
    return {w.lower() for t in texts for ws in clauses(t) for w in ws}


def test_names_are_short_phrases_made_of_member_words():
    names = name_all(THEMES)
    assert len(names) == 3
    for name, texts in zip(names, THEMES):
        words = name.split()
        assert 2 <= len(words) <= 6, name
        assert {w.lower() for w in words} <= words_of(texts), (name, texts)


def test_offline_crash_theme_is_named_after_crashing_offline_not_stop_words():
    name = name_all(THEMES)[0].lower()
    assert "crash" in name or "offline" in name, name
    first, last = name.split()[0], name.split()[-1]
    assert first not in {"the", "when", "i", "a", "my", "does"} and last not in {"the", "when", "i", "am", "my"}


def test_each_theme_gets_its_own_subject():
    names = [n.lower() for n in name_all(THEMES)]
    assert "twice" in names[1] or "charged" in names[1] or "invoice" in names[1], names
    assert "export" in names[2] or "excel" in names[2] or "broken" in names[2], names


def test_names_are_distinct_even_for_identical_themes():
    names = name_all([OFFLINE, list(OFFLINE), BILLING])
    assert len({n.lower() for n in names}) == 3, names


def test_same_inputs_and_seed_give_the_same_names():
    many = [[f"{t} number {i} is slow" for i in range(500)] for t in ("report", "dashboard", "search")]
    first = name_all(many, max_members=50, random_state=7)
    assert first == name_all(many, max_members=50, random_state=7)
    assert len(set(first)) == 3


def test_empty_and_one_word_themes_get_a_name():
    themes = [[], ["Refund", "refund", "refunds!"], OFFLINE]
    names = theme_names(themes, centroids_of(themes), fake_encode, keywords=[["login", "password"], [], []])
    assert all(isinstance(n, str) and n.strip() for n in names)
    assert len({n.lower() for n in names}) == 3
    assert names[1].lower() in {"refund", "refunds"}
    assert names[0].lower() == "login password"


def test_no_themes_and_mismatched_centroids():
    assert theme_names([], np.zeros((0, DIM)), fake_encode) == []
    with pytest.raises(ValueError):
        theme_names([OFFLINE], np.zeros((2, DIM)), fake_encode)


def test_encoder_called_once_with_a_capped_batch():
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return fake_encode(texts)

    theme_names(THEMES, centroids_of(THEMES), counting, max_candidates=4)
    assert len(calls) == 1 and calls[0] <= 3 * 4


def test_phrases_respect_clauses_and_function_words():
    found = phrases("The app crashes when offline, I need to top up my card")
    assert "app crashes when offline" in found and "top up" in found
    assert not any(k.split()[0] in {"the", "i", "my"} for k in found)
    assert "offline i" not in found and not any("offline i need" in k for k in found)  # no crossing the comma
    assert all(2 <= len(k.split()) <= 6 for k in found)


def test_candidates_prefer_the_theme_words():
    cands = theme_candidates(THEMES, max_candidates=3)
    assert all(len(c) <= 3 for c in cands)
    top = cands[0][0][0].lower()
    assert "crash" in top or "offline" in top, cands[0]


# --- well-formed names: markers, dangling words, fragments, one-off details; area labels ---------

from workbench.themes.area_names import area_names  # noqa: E402
from workbench.themes.names import _is_marker  # noqa: E402


def test_leading_discourse_markers_and_signoffs_never_open_a_phrase():
    for text in ("Plus the export to Excel mangles the dates", "Honestly it's the best vendor relationship",
                 "Tbh simple to learn", "Thnaks in advance for the quick reply"):
        found = phrases(text)
        assert found, text
        assert not any(k.split()[0] in {"plus", "honestly", "tbh", "thnaks"} for k in found), (text, found)
    assert _is_marker("thnaks") and _is_marker("Honestly") and not _is_marker("export")
    theme = ["Plus the export to Excel mangles the dates"] * 3 + ["Honestly the export to Excel mangles dates"] * 2
    name = name_all([theme, OFFLINE])[0]
    assert name.split()[0].lower() not in {"plus", "honestly", "the"}, name


def test_trailing_prepositions_adverbs_and_object_hungry_verbs_never_end_a_phrase():
    found = phrases("Dashboards extremely slow since yesterday, AI assistant gives wrong answers")
    assert "dashboards extremely slow" in found and "ai assistant gives wrong answers" in found
    assert not any(k.split()[-1] in {"since", "gives", "extremely", "every"} for k in found), found
    assert not any(k.split()[-1] == "every" for k in phrases("Mobile app logs people out every day"))


def test_a_phrase_its_writers_continue_is_a_fragment():
    theme = [f"Form {i} renders sections in the wrong order" for i in "abcdefgh"]
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any(c.endswith("wrong") for c in cands), cands
    assert any(c.endswith("wrong order") for c in cands), cands
    # a particle that its writers always follow with "the" is a preposition cut from its object
    assert not any(c.endswith(" in") for c in cands), cands


def test_a_phrase_cut_before_its_particle_is_a_fragment():
    # "top" is nearly always followed by "up" here: "reverted my top" is half a phrasal verb
    theme = ["The app reverted my top up", "I think you reverted my top up", "why was my top up reverted",
             "my top up was reverted again", "reverted my top up yesterday", "the bank reverted my top up"]
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any(c.endswith(" top") for c in cands), cands
    assert any(c.endswith("top up") for c in cands), cands
    assert not name_all([theme, OFFLINE])[0].lower().endswith(" top")


def test_a_phrase_its_writers_negate_is_never_a_name():
    # cut after "can't"/"not", the phrase says the opposite of what the customers wrote
    theme = ["I can't praise the support team enough", "honestly can't praise the support team enough",
             "We can't praise the support team enough!", "the support team is not helpful enough",
             "Support team replies quickly", "the support team replies within the hour"]
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any(c.startswith("praise") for c in cands), cands
    assert "support team" in " ".join(cands), cands
    assert not name_all([theme, OFFLINE])[0].lower().startswith("praise")


def test_a_number_is_a_detail_when_few_members_share_it():
    theme = [f"This affects {n} users" for n in (12, 39, 53, 31)] + ["Users affected by the outage"] * 4 + \
            ["The outage affects our users", "Outage affects users"] * 2
    cands = [c[0] for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any(ch.isdigit() for c in cands for ch in c), cands
    name = name_all([theme, OFFLINE])[0]
    assert not any(ch.isdigit() for ch in name), name


def test_min_support_lets_shared_phrases_beat_one_off_wording():
    theme = ["Slow dashboard loading"] * 6 + ["Quarterly board pack stalls", "Marco's audit binder froze",
                                               "Weekly roster page hangs", "Warehouse tablet keeps spinning",
                                               "Regional heatmap never renders", "Supplier scorecard grinds"]
    lone = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50, min_support=2)[0]]
    assert lone and all("board pack" not in c for c in lone), lone
    every = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert any("board pack" in c for c in every)   # off by default


def test_misspelt_phrases_give_way_to_the_common_spelling():
    theme = ["Account manager goes above and beyond"] * 5 + ["Account manager gooes above and beyond"]
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any("gooes" in c for c in cands), cands


DASH = ["The dashboards are slow to load", "Our dashboards take forever", "Dashboard filters are slow",
        "The dashboard crashes when filtering", "Reports on the dashboard time out"]
SYNC = ["The Salesforce sync failed again", "Sync to Salesforce stopped", "The sync creates duplicate records",
        "Salesforce sync error every morning", "Our CRM sync is unreliable"]
PRICE = ["The renewal price went up", "Pricing at renewal is confusing", "The price increase at renewal hurt",
         "Our renewal quote was a shock", "New pricing tiers before renewal"]


def test_area_names_are_short_distinct_category_labels_and_deterministic():
    areas = [DASH + SYNC[:1], SYNC + DASH[:1], PRICE]
    theme_names_ = [["Dashboards are slow", "Dashboard filters"], ["Salesforce sync failed", "Sync error"],
                    ["Renewal price went up", "Pricing at renewal"]]
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return fake_encode(texts)

    names = area_names(areas, centroids_of(areas), counting, theme_names=theme_names_)
    assert len(calls) == 1
    assert len(names) == 3 and len({n.lower() for n in names}) == 3, names
    assert all(1 <= len(n.split()) <= 4 for n in names), names
    assert "dashboard" in names[0].lower() and "sync" in names[1].lower(), names
    assert "renewal" in names[2].lower() or "pric" in names[2].lower(), names
    assert names == area_names(areas, centroids_of(areas), fake_encode, theme_names=theme_names_)


def test_area_names_of_identical_areas_and_empty_input():
    areas = [DASH, list(DASH), []]
    names = area_names(areas, centroids_of(areas), fake_encode, keywords=[[], [], ["billing", "invoice"]])
    assert len({n.lower() for n in names}) == 3 and all(n.strip() for n in names), names
    assert area_names([], np.zeros((0, DIM)), fake_encode) == []
    with pytest.raises(ValueError):
        area_names([DASH], np.zeros((2, DIM)), fake_encode)


def test_a_slip_many_writers_repeat_gives_way_but_a_real_word_does_not():
    # "sipmle" is written by 4 members, "simple" by 49: a slip however often; "form" beside "from" is a word
    theme = ["Simple to learn and simple to use"] * 45 + ["Sipmle to learn and easy to use"] * 4
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any("sipmle" in c for c in cands), cands
    forms = ["The form builder loses answers"] * 3 + [f"Answers from site {x} arrive late" for x in range(30)]
    cands = [c[0].lower() for c in theme_candidates([forms, OFFLINE], max_candidates=50)[0]]
    assert any("form builder" in c for c in cands), cands


def test_a_dictionary_word_that_is_a_frequent_one_less_a_letter_is_a_slip():
    # "automatons" is a word, but beside 40 members' "automations" its 4 members dropped a letter
    theme = (["It would be hard to run our sites without the automations"] * 40
             + ["It would be hard to run our sites without the automatons"] * 4)
    cands = [c[0].lower() for c in theme_candidates([theme, OFFLINE], max_candidates=50)[0]]
    assert cands and not any("automatons" in c for c in cands), cands
    assert any("automations" in c for c in cands), cands
    # a form of the same word is no slip ("user" beside "users"), nor a short word ("use" in "user")
    users = ["Adding new users takes ages"] * 40 + ["Adding a new user takes ages"] * 3
    cands = [c[0].lower() for c in theme_candidates([users, OFFLINE], max_candidates=50)[0]]
    assert any("new user takes" in c for c in cands), cands
    assert _typos(Counter({"users": 40, "use": 3, "automations": 40, "automatons": 4})) == {"automatons"}
