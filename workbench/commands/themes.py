"""`workbench themes SUBCOMMAND`: theme an ingested data folder, any CSV of texts, and analysts' edits.

    workbench themes update DATA_DIR [--quarter Q] [--refit]     # the registry and the stored assignments
    workbench themes fit CSV --text-col COL --out DIR [--id-col COL]
    workbench themes requirement DATA_DIR REQ_ID --status planned|shipped|open [--date D] [--note N]
    workbench themes area DATA_DIR AREA_ID --name NAME      # rename an area (AREA_ID "new": add one)
    workbench themes move DATA_DIR THEME_ID --area AREA_ID  # put a theme in another area
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import RegistryError, UsageError
from . import add_cluster_option, add_command, themes_fit

SUBCOMMANDS = ("update", "fit", "requirement", "area", "move")
EDIT_STATUS = ["0  recorded in DATA_DIR/theme_registry.yml (the next run keeps it)",
               "2  bad arguments, no themes yet, or an id the registry does not know"]


def register(subparsers) -> None:
    themes = add_command(
        subparsers, "themes", help="theme an ingested data folder or a CSV; record analysts' edits",
        description="Theme the customer statements of an ingested data folder (update), any CSV of texts (fit), "
                    "and record analysts' decisions in the folder's theme registry (requirement, area, move).",
        examples=["workbench themes update data/sample",
                  "workbench themes fit feedback.csv --text-col comment --out out/",
                  "workbench themes requirement data/sample R0007 --status shipped --date 2026-10-01",
                  "workbench themes area data/sample A03 --name 'Mobile app'",
                  "workbench themes move data/sample T0012 --area A03"],
        exit_status=["0  done", "2  bad arguments or input the subcommand cannot use (see each one's --help)"])
    themes.set_defaults(func=lambda args: _missing_subcommand(themes))
    sub = themes.add_subparsers(dest="themes_command", metavar="SUBCOMMAND")
    _register_update(sub)
    _register_fit(sub)
    _register_requirement(sub)
    _register_area(sub)
    _register_move(sub)


def old_spelling(argv: list[str]) -> str | None:
    """The hint for the old ``workbench themes DATA_DIR`` (now ``themes update DATA_DIR``), or None."""
    if len(argv) >= 2 and argv[0] == "themes" and not argv[1].startswith("-") and argv[1] not in SUBCOMMANDS:
        return f"`workbench themes {argv[1]}` is now `workbench themes update {argv[1]}`"
    return None


def _missing_subcommand(parser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _register_update(sub) -> None:
    p = add_command(
        sub, "update", help="theme an ingested data folder (also run by the quarterly job)",
        description="Theme the customer statements of an ingested data folder: update DATA_DIR/theme_registry.yml "
                    "(keeping analysts' edits) and the stored theme assignments, requirements and NPS impact.",
        examples=["workbench themes update data/sample",
                  "workbench themes update data/sample --quarter 2026Q3 --refit",
                  "workbench themes update data/acme --cluster local:4"],
        exit_status=["0  themed", "2  no ingested data, no such --model folder, or a --cluster that cannot be used"])
    p.add_argument("data_dir", metavar="DATA_DIR", help="an ingested data folder")
    p.add_argument("--quarter", help="the quarter to flag emerging and fading themes for (default: the latest)")
    p.add_argument("--model", metavar="PATH",
                   help="a local sentence-transformers model folder; the default is the model the folder's themes "
                        "were fitted with (remembered), else all-MiniLM-L6-v2; 'default' picks that")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--refit", action="store_true",
                   help="re-partition every statement (by default earlier statements keep their theme)")
    add_cluster_option(p)
    p.set_defaults(func=run_update)


def _register_fit(sub) -> None:
    p = add_command(
        sub, "fit", help="theme any CSV of texts (no data folder needed)",
        description="Theme any CSV of texts and write themes.csv, areas.csv, mentions.csv, quotes.csv, "
                    "assignments.csv and quarantined.csv (rows left out, with the reason) to DIR. Every text is "
                    "redacted before it is themed or written.",
        examples=["workbench themes fit feedback.csv --text-col comment --out out/",
                  "workbench themes fit tickets.csv --text-col body --id-col ref --keep-words Brightloop --out out/",
                  "workbench themes fit feedback.csv --text-col comment --out out/ --cluster local:4"],
        exit_status=["0  themed (some rows may be left out: see quarantined.csv)",
                     "2  bad arguments, a file that cannot be read, no usable row, or a --cluster that cannot be "
                     "used"])
    p.add_argument("csv", metavar="CSV", help="a CSV file with a header row")
    p.add_argument("--text-col", required=True, help="the column holding the texts")
    p.add_argument("--id-col", help="a column of ids (default: the row number)")
    p.add_argument("--out", required=True, help="the folder to write themes.csv and assignments.csv to")
    p.add_argument("--phone-regions", default="US", metavar="CC[,CC...]",
                   help="regions whose national phone numbers are redacted (default US)")
    p.add_argument("--keep-words", default="", metavar="WORD[,WORD...]",
                   help="words never redacted as a person's name (product names)")
    p.add_argument("--model", metavar="PATH", help="a local sentence-transformers model folder "
                                                   "(default all-MiniLM-L6-v2)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    add_cluster_option(p, settings=False)
    p.set_defaults(func=themes_fit.run)


def _register_requirement(sub) -> None:
    p = add_command(
        sub, "requirement", help="record a requirement's status (open, planned, shipped)",
        description="Record a requirement's status in the data folder's theme registry, with history; the next "
                    "run and the reports show it.",
        examples=["workbench themes requirement data/sample R0007 --status planned --date 2026-12-01",
                  "workbench themes requirement data/sample R0007 --status shipped --note 'in 4.2'"],
        exit_status=EDIT_STATUS)
    p.add_argument("data_dir", metavar="DATA_DIR", help="a themed data folder")
    p.add_argument("requirement_id", metavar="REQ_ID", help="the requirement's id (in the stored requirements table)")
    p.add_argument("--status", required=True, help="open, planned or shipped")
    p.add_argument("--date", help="the target date (planned) or the ship date (shipped; default today)")
    p.add_argument("--note", help="a note kept with the status")
    p.add_argument("--who", help="who records it (default: the user name)")
    p.set_defaults(func=set_status)


def _register_area(sub) -> None:
    p = add_command(
        sub, "area", help="rename an area of themes, or add one",
        description="Rename an area (AREA_ID 'new': add an area), recorded with who and when; the next run keeps it.",
        examples=["workbench themes area data/sample A03 --name 'Mobile app'",
                  "workbench themes area data/sample new --name Integrations"],
        exit_status=EDIT_STATUS)
    p.add_argument("data_dir", metavar="DATA_DIR", help="a themed data folder")
    p.add_argument("area_id", metavar="AREA_ID", help="the area's id, or 'new'")
    p.add_argument("--name", required=True, help="the area's new name")
    p.add_argument("--who", help="who records it (default: the user name)")
    p.set_defaults(func=edit_area)


def _register_move(sub) -> None:
    p = add_command(
        sub, "move", help="put a theme in another area",
        description="Move a theme to another area, recorded with who and when; the next run keeps it.",
        examples=["workbench themes move data/sample T0012 --area A03"],
        exit_status=EDIT_STATUS)
    p.add_argument("data_dir", metavar="DATA_DIR", help="a themed data folder")
    p.add_argument("theme_id", metavar="THEME_ID", help="the theme's id")
    p.add_argument("--area", required=True, help="the id of the area to put the theme in")
    p.add_argument("--who", help="who records it (default: the user name)")
    p.set_defaults(func=move_theme)


def run_update(args) -> int:
    from ..cluster import connect
    from ..ingest.settings import cluster_address
    from ..themes.pipeline import update_themes
    from ..workspace import Workspace

    data_dir = Path(args.data_dir)
    if not Workspace(data_dir).exists():
        raise UsageError(f"{data_dir}: no ingested data (run `workbench ingest {data_dir}` first)")
    if args.model and args.model != "default" and not Path(args.model).is_dir():
        raise UsageError(f"{args.model}: no such model folder (--model takes a local sentence-transformers folder, "
                         "or 'default')")
    with connect(cluster_address(args.cluster, data_dir)) as client:
        run = update_themes(data_dir, quarter=args.quarter, seed=args.seed, model_path=args.model, refit=args.refit,
                            client=client)
    print(f"Themed {run.statements:,} statements into {run.themes} themes ({run.requirements} requirements) "
          f"for {run.quarter}; registry: {data_dir / 'theme_registry.yml'}")
    if run.emerging:
        print("Emerging: " + ", ".join(run.emerging))
    if run.fading:
        print("Fading: " + ", ".join(run.fading))
    print("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items()))
    for note in run.notes:
        print(f"Note: {note}")
    return 0


def _actions(data_dir: Path):
    """The analysts' edits of a themed folder (recorded with who and when, undoable in the explorer)."""
    from ..themes.analyst import AnalystActions
    from ..workspace import Workspace

    path = Workspace(data_dir).registry_path
    if not path.exists():
        raise UsageError(f"{data_dir}: no theme registry yet (run `workbench themes update {data_dir}` first)")
    return AnalystActions(data_dir), path


def edit_area(args) -> int:
    """`themes area DATA_DIR AREA_ID --name NAME`: rename an area, or add one ('new')."""
    data_dir = Path(args.data_dir)
    actions, path = _actions(data_dir)
    try:
        if args.area_id == "new":
            area_id = actions.add_area(args.name, who=args.who)
            print(f"{area_id}: new area '{args.name}' (move themes into it with `workbench themes move`)")
        else:
            actions.rename_area(args.area_id, args.name, who=args.who)
            print(f"{args.area_id}: renamed '{args.name}'")
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    print(f"(recorded in {path}; the next run keeps it)")
    return 0


def move_theme(args) -> int:
    """`themes move DATA_DIR THEME_ID --area AREA_ID`: put a theme in another area."""
    data_dir = Path(args.data_dir)
    actions, path = _actions(data_dir)
    try:
        actions.move_theme(args.theme_id, args.area, who=args.who)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    print(f"{args.theme_id}: moved to area {args.area}")
    print(f"(recorded in {path}; the next run keeps it)")
    return 0


def set_status(args) -> int:
    """`themes requirement DATA_DIR REQ_ID --status S`: a requirement's status, kept with history."""
    from ..themes.analyst import AnalystActions
    from ..workspace import Workspace

    data_dir = Path(args.data_dir)
    ws = Workspace(data_dir)
    known = ws.table("requirements")["requirement_id"].tolist() if ws.exists() and ws.has("requirements") else []
    if args.requirement_id not in known:
        raise UsageError(f"{data_dir}: no requirement {args.requirement_id} in the last run "
                         f"(`workbench themes update {data_dir}` lists them in the stored requirements table)")
    try:
        AnalystActions(data_dir).set_requirement_status(args.requirement_id, args.status, args.date,
                                                        note=args.note, who=args.who)
    except (RegistryError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    print(f"{args.requirement_id}: {args.status}{' ' + args.date if args.date else ''} "
          f"(recorded in {data_dir / 'theme_registry.yml'})")
    return 0
