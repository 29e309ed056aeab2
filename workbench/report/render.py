"""Run a report notebook with papermill and turn it into a self-contained HTML page with nbconvert."""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from ..charts import BETTER, NEUTRAL, WORSE
from ..errors import ReportError

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
#: the report notebooks (and the explorer's) ship inside the package, so an installed wheel has them
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def notebook_path(name: str) -> Path:
    """A report notebook shipped with the package (``notebooks/``, linked as ``workbench/notebooks``)."""
    path = NOTEBOOKS / name
    if not path.exists():
        raise ReportError(f"report notebook {name} not found in {NOTEBOOKS}")
    return path


def execute(template: Path, output: Path, parameters: dict, cwd: Path | None = None, timeout: int = 900) -> Path:
    """Execute ``template`` with ``parameters`` into ``output``; ReportError (with the notebook kept) on failure."""
    import papermill as pm  # imported here: it is slow to import and only reports need it

    output.parent.mkdir(parents=True, exist_ok=True)
    env_before = os.environ.get("PYDEVD_DISABLE_FILE_VALIDATION")
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiet debugger warning in kernel stderr
    try:
        pm.execute_notebook(
            str(template), str(output), parameters=copy.deepcopy(parameters), progress_bar=False,
            cwd=str(cwd) if cwd else None, kernel_name="python3", execution_timeout=timeout,
            # the kernel's own notices (e.g. "running over TCP without encryption": it listens on
            # localhost only) are not for a cron log; its errors still are, and a failing cell
            # fails the run with its error either way
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{template.name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}", notebook=output
        ) from exc
    except Exception as exc:  # kernel died, timeout, ...
        raise ReportError(f"{template.name}: {type(exc).__name__}: {exc}", notebook=output) from exc
    finally:
        if env_before is None:
            os.environ.pop("PYDEVD_DISABLE_FILE_VALIDATION", None)
    return output


def _strip_for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what a product manager should not see: stderr streams and the parameters cells."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "remove-cell"}:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(notebook: Path, html_path: Path, title: str | None = None) -> Path:
    """Self-contained HTML with inputs hidden, using the offline template (no external scripts)."""
    nb = nbformat.read(str(notebook), as_version=4)
    nb = _strip_for_readers(nb)
    if title:
        nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    # the palette's colours reach the page's CSS from the one place they are defined
    body, _ = exporter.from_notebook_node(nb, resources={"wb_better": BETTER, "wb_worse": WORSE, "wb_neutral": NEUTRAL})
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path
