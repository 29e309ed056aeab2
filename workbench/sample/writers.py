"""Writing the sample folder: exact bytes, tracked files, and clean overwrites."""
from __future__ import annotations

import csv
import io
from pathlib import Path, PurePosixPath

#: the list of files the last run wrote (inside answer_key/, which ingestion never reads)
FILE_LIST = "answer_key/generated_files.txt"


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


class Output:
    """A sample folder being written; remembers every file so a re-run can remove stale ones."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.files: list[str] = []

    def write_text(self, relative: str, text: str, encoding: str = "utf-8") -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))  # 'utf-8-sig' adds the BOM
        self.files.append(relative)

    def write_csv(self, relative: str, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> None:
        self.write_text(relative, csv_text(rows, delimiter), encoding)

    def finish(self) -> None:
        """Remove files an earlier run wrote that this run did not, then record this run's files."""
        previous = self.root / FILE_LIST
        if previous.is_file():
            current = set(self.files)
            for line in previous.read_text(encoding="utf-8").splitlines():
                relative = PurePosixPath(line.strip())
                if not line.strip() or relative.is_absolute() or ".." in relative.parts or line.strip() in current:
                    continue
                stale = self.root / relative
                if stale.is_file():
                    stale.unlink()
        self.write_text(FILE_LIST, "".join(f"{f}\n" for f in sorted(self.files)))
