"""The explorer on a folder themed per mention: themes listed by area, the mention marked in a quote."""
import pandas as pd
from fakes import HashingEmbedder, KMeansThemes

from workbench import store
from workbench.explore.state import ExplorerState
from workbench.explore.view import quote_html
from workbench.ingest import ingest
from workbench.themes.pipeline import update_themes


def test_themes_by_area_and_the_mention_marked(mini_dir):
    rows = ["response_id,account_id,respondent_name,respondent_email,persona,date,score,comment"]
    rows += [f'M{i},A002,,,practitioner,2025-08-{10 + i:02d},6,"{t}"' for i, t in enumerate([
        "I love the report scheduling, but the mobile app crashes when I go offline.",
        "Dashboards load slowly every morning. Also the invoice for August was wrong.",
        "The export to Excel keeps failing; support never answered my ticket about it."])]
    (mini_dir / "surveys" / "two_concerns.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ingest(mini_dir)
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(6))
    state = ExplorerState.from_data_dir(mini_dir)
    table = state.theme_table("area")
    themes = store.load_table(mini_dir, "themes").set_index("theme_id")
    assert (table["area"] == table["theme_id"].map(themes["area_name"])).all()
    # what customers feel about each theme, from its statements' mentions, under the filters
    mentions = store.load_table(mini_dir, "theme_mentions")
    assert table["negative_share"].notna().all() and (table["negative_share"] + table["positive_share"] <= 1).all()
    theme = table.iloc[0]["theme_id"]
    shown = state.quotes(theme, limit=10_000)[0]["evidence_id"]
    mean = mentions[mentions["evidence_id"].isin(shown)].groupby("evidence_id")["sentiment_score"].mean()
    assert table.iloc[0]["negative_share"] == (mean <= -0.25).mean()
    # areas in one block each, the biggest area (by mentions in view) first
    blocks = table["area"].tolist()
    assert blocks == sorted(blocks, key=lambda a: (-table.loc[table["area"] == a, "mentions"].sum(), a))
    # a statement of several mentions shows the one of its theme marked, escaped
    pairs = store.load_table(mini_dir, "theme_assignments")
    evidence = store.load_table(mini_dir, "evidence").set_index("evidence_id")
    split = pairs[(pairs["end"] - pairs["start"]) < pairs["evidence_id"].map(evidence["text"].str.len())]
    split = split[split["theme_id"].isin(state.themes["theme_id"])]
    assert len(split)
    shown = None
    for row in split.itertuples():
        quotes, _ = state.quotes(row.theme_id, limit=1000)
        match = quotes[quotes["evidence_id"] == row.evidence_id]
        if len(match):
            shown, mention = match.iloc[0], evidence.at[row.evidence_id, "text"][row.start:row.end]
            break
    assert shown is not None
    html = quote_html(shown)
    assert "<mark>" in html and html.count("<mark>") == 1
    marked = html.split("<mark>")[1].split("</mark>")[0]
    assert marked.replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", '"') == mention
    whole = quote_html(pd.Series({**shown.to_dict(), "start": None, "end": None}))
    assert "<mark>" not in whole


def test_area_edits_from_the_command_line_survive_the_next_run(mini_dir, capsys):
    from workbench.cli import main
    from workbench.themes.registry import ThemeRegistry, default_path

    ingest(mini_dir)
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(6))
    themes = store.load_table(mini_dir, "themes")
    live = themes[themes["status"].ne("merged") & themes["area_id"].notna()]
    theme, area = live["theme_id"].iloc[0], live["area_id"].iloc[0]
    other = next(a for a in sorted(set(live["area_id"])) if a != area)
    assert main(["themes", "area", str(mini_dir), other, "--name", "Mobile app"]) == 0
    assert main(["themes", "move", str(mini_dir), theme, "--area", other]) == 0
    assert main(["themes", "move", str(mini_dir), theme, "--area", "A99"]) == 2
    assert "no area 'A99'" in capsys.readouterr().err
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(6))
    after = store.load_table(mini_dir, "themes").set_index("theme_id")
    assert after.loc[theme, "area_id"] == other and after.loc[theme, "area_name"] == "Mobile app"
    history = [e["action"] for e in ThemeRegistry.load(default_path(mini_dir)).history()]
    assert history.count("rename_area") == 1 and history.count("move_theme") == 1


def test_the_explorer_moves_a_theme_and_renames_an_area(mini_dir):
    from workbench.themes.analyst import AnalystActions
    from workbench.explore.view import Explorer
    from workbench.themes.registry import ThemeRegistry, default_path

    ingest(mini_dir)
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(6))
    view = Explorer(ExplorerState.from_data_dir(mini_dir), AnalystActions(mini_dir, embedder=HashingEmbedder()))
    view.analyst.value = "maya"
    theme = view.table["theme_id"].iloc[0]
    view.select(theme)
    before = ThemeRegistry.load(default_path(mini_dir)).area_of(theme)
    assert view.area_choice.value == before and view.area_name.value == view.state.area_names[before]
    other = next(a for a, _ in sorted(view.state.area_names.items()) if a != before)
    view.area_choice.value = other
    view.move_button.click()
    assert ThemeRegistry.load(default_path(mini_dir)).area_of(theme) == other
    row = view.table.set_index("theme_id").loc[theme]
    assert row["area"] == view.state.area_names[other]               # shown at once, before any run
    view.area_name.value = "Mobile app"
    view.area_rename_button.click()
    registry = ThemeRegistry.load(default_path(mini_dir))
    assert registry.areas[other]["name"] == "Mobile app" and registry.areas[other]["name_source"] == "analyst"
    assert view.table.set_index("theme_id").loc[theme, "area"] == "Mobile app"
    assert "Mobile app" in view.theme_header.value
    view.undo_button.click()                                          # the rename
    view.undo_button.click()                                          # the move
    assert ThemeRegistry.load(default_path(mini_dir)).area_of(theme) == before
