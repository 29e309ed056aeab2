"""The command line: nested `themes` subcommands, --version, and every --help with examples and
exit statuses."""
from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from workbench.cli import build_parser, main


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def every_command(parser=None, prefix=()):
    parser = parser or build_parser()
    for name, sub in subparsers(parser).items():
        yield (*prefix, name), sub
        yield from every_command(sub, (*prefix, name))


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"workbench {version('cx-insight-workbench')}"


def test_every_command_help_has_an_example_and_its_exit_statuses():
    commands = dict(every_command())
    assert {("themes", s) for s in ("update", "fit", "requirement", "area", "move")} <= set(commands)
    for path, parser in commands.items():
        text = parser.format_help()
        assert "examples:\n  workbench " + " ".join(path) in text, path
        assert "exit status:\n  0  " in text and "\n  2  " in text, path


def test_themes_subcommands_parse_their_own_arguments():
    parser = build_parser()
    args = parser.parse_args(["themes", "update", "fit", "--refit"])  # a data folder named 'fit'
    assert (args.themes_command, args.data_dir, args.refit) == ("update", "fit", True)
    args = parser.parse_args(["themes", "fit", "texts.csv", "--text-col", "body", "--out", "o"])
    assert (args.themes_command, args.csv, args.text_col, args.out) == ("fit", "texts.csv", "body", "o")
    args = parser.parse_args(["themes", "requirement", "data", "R0001", "--status", "shipped"])
    assert (args.data_dir, args.requirement_id, args.status) == ("data", "R0001", "shipped")
    args = parser.parse_args(["themes", "move", "data", "T0001", "--area", "A02"])
    assert (args.data_dir, args.theme_id, args.area) == ("data", "T0001", "A02")


def test_a_data_folder_named_fit_is_a_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fit").mkdir()
    assert main(["themes", "update", "fit"]) == 2
    assert "fit: no ingested data" in capsys.readouterr().err


def test_the_old_spelling_says_the_new_one(tmp_path, capsys):
    assert main(["themes", str(tmp_path)]) == 2
    assert f"is now `workbench themes update {tmp_path}`" in capsys.readouterr().err
    assert main(["themes"]) == 2  # no subcommand: the themes help, on standard error
    assert "SUBCOMMAND" in capsys.readouterr().err


def test_missing_required_option_is_a_usage_error():
    with pytest.raises(SystemExit) as stop:
        main(["themes", "fit", "texts.csv", "--out", "o"])
    assert stop.value.code == 2
