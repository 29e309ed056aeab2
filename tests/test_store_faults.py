"""The store survives faults: checked before it replaces the old one, unique temporary names,
a data-folder lock, and a data path with a quote in it."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from workbench import store


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": range(n), "b": [f"x{i}" for i in range(n)]})


def test_a_failed_check_keeps_the_previous_store(tmp_path, monkeypatch):
    store.save_tables(tmp_path, {"t": _frame(3), "keep": _frame(2)})

    def broken_checkpoint(con, tmp, path, expected):
        con.close()
        raise store.StoreError("disk full while checkpointing")

    monkeypatch.setattr(store, "_finish", broken_checkpoint)
    with pytest.raises(store.StoreError, match="disk full"):
        store.add_tables(tmp_path, {"t": _frame(5)})
    monkeypatch.undo()
    assert len(store.load_table(tmp_path, "t")) == 3 and len(store.load_table(tmp_path, "keep")) == 2
    assert not list(store.workdir(tmp_path).glob("*.tmp"))


def test_row_counts_are_checked(tmp_path, monkeypatch):
    store.save_tables(tmp_path, {"t": _frame(3)})
    original = store._finish

    def expecting_one_more(con, tmp, path, expected):  # as if a write had silently lost a row
        return original(con, tmp, path, {**expected, "t": expected["t"] + 1})

    monkeypatch.setattr(store, "_finish", expecting_one_more)
    with pytest.raises(store.StoreError, match="has 4 rows after writing, not 5"):
        store.add_tables(tmp_path, {"t": _frame(4)})
    assert len(store.load_table(tmp_path, "t")) == 3


def test_a_quote_in_the_data_path_is_fine(tmp_path):
    folder = tmp_path / "it's data"
    store.save_tables(folder, {"t": _frame(2)})
    store.save_tables(folder, {"u": _frame(1)}, keep_others=True)
    store.add_tables(folder, {"v": _frame(4)})
    assert set(store.table_names(folder)) == {"t", "u", "v"}


def test_concurrent_writers_do_not_collide(tmp_path):
    store.save_tables(tmp_path, {"base": _frame(1)})
    errors = []

    def write(i):
        try:
            for k in range(3):
                store.add_tables(tmp_path, {f"t{i}_{k}": _frame(i + k)})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.table_names(tmp_path)) == 1 + 9


def test_a_full_disk_during_ingest_keeps_the_previous_store_and_fails_in_one_line(mini_dir, monkeypatch, capsys):
    import errno
    import os

    from workbench.cli import main

    assert main(["ingest", str(mini_dir)]) == 0
    before = store.store_path(mini_dir).read_bytes()
    capsys.readouterr()

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)  # the new store cannot be made durable
    code = main(["ingest", str(mini_dir)])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code != 0
    assert "No space left on device" in err and "previous store is kept" in err and "Traceback" not in err
    assert store.store_path(mini_dir).read_bytes() == before
    assert not list(store.workdir(mini_dir).glob("*.tmp"))
