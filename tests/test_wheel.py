"""A wheel built from the tracked files alone installs into a fresh environment and runs there.

Catches what an editable install hides: a notebook, mapping, model file or template left out of the
package data, or code that finds its files through the checkout instead of the package.

The fresh virtual environment gets the wheel and nothing else from an index (``--no-deps``); its
dependencies are the ones already installed for the tests, reached through a ``.pth`` file naming
this environment's site-packages. ``python -m venv --system-site-packages`` would not do: the test
environment is itself a venv, and that flag reaches the base interpreter's packages, not the venv's.
Installing every dependency afresh would need the network (or a wheel of each) and minutes. The
.pth is written after the wheel is installed, so pip sees an empty environment; a directory named in
a .pth file does not have its own .pth files run, so the checkout's editable install stays out.
"""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = {"quarterly_insights.ipynb", "kpi_report.ipynb", "explore_themes.ipynb"}


def _tracked_files() -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files to build from")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name and ((ROOT / name).is_file() or (ROOT / name).is_symlink())]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(fresh venv's python, its bin folder, the wheel, the tracked files under workbench/)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # the tracked files only, as a clean checkout has them (no .venv, egg-info, build/)
    tracked = _tracked_files()
    for name in tracked:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():  # workbench/notebooks -> ../notebooks, as a checkout has it
            os.symlink(os.readlink(ROOT / name), src / name)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    # no build isolation: the build backend (setuptools) is already installed, nothing is downloaded
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(dist), str(src)], check=True, cwd=tmp)
    (wheel,) = dist.glob("cx_insight_workbench-*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, cwd=tmp)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    dependencies = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "zz_test_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    return python, venv / "bin", wheel, [n for n in tracked if n.startswith("workbench/") and not (ROOT / n).is_symlink()]


def _env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # nbconvert's base templates and other Jupyter data files live under the environment that
    # installed them (share/jupyter); a real install puts them in the fresh environment's own prefix
    env["JUPYTER_PATH"] = str(Path(sysconfig.get_paths()["data"]) / "share" / "jupyter")
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HOME=str(tmp), MPLCONFIGDIR=str(tmp / "mpl"))
    return env


def test_every_file_of_the_package_is_in_the_wheel(installed):
    _, _, wheel, package_files = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in package_files if name not in names]
    assert not missing, f"tracked in workbench/ but not in the wheel: {missing}"
    assert {f"workbench/notebooks/{nb}" for nb in NOTEBOOKS} <= names
    assert "workbench/mappings/surveys.yml" in names and "workbench/themes/data/intent_classifier.npz" in names


def test_the_installed_package_finds_its_files_in_itself(installed, tmp_path):
    python, _, _, _ = installed
    probe = (
        "import json, workbench\n"
        "from workbench.report import render\n"
        "from workbench.explore import lab\n"
        f"paths = [str(render.notebook_path(n)) for n in {sorted(NOTEBOOKS - {'explore_themes.ipynb'})!r}]\n"
        "print(json.dumps({'package': workbench.__file__, 'notebooks': paths + [str(lab.NOTEBOOK)],\n"
        "                  'templates': str(render.TEMPLATES)}))\n"
    )
    done = subprocess.run([str(python), "-c", probe], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    venv = str(python.parent.parent)
    assert found["package"].startswith(venv), found  # the wheel's copy, not the checkout's
    assert all(p.startswith(venv) and Path(p).is_file() for p in found["notebooks"]), found
    assert (Path(found["templates"]) / "offline" / "index.html.j2").is_file()


def test_the_installed_command_runs_the_quarterly_job_and_explains_explore(installed, tmp_path):
    _, bin_dir, _, _ = installed
    data, out = tmp_path / "mini", tmp_path / "reports"
    shutil.copytree(FIXTURES / "mini", data, ignore=shutil.ignore_patterns(".workbench"))
    env = _env(tmp_path)

    done = subprocess.run([str(bin_dir / "workbench"), "explore", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "DATA_DIR" in done.stdout

    done = subprocess.run([str(bin_dir / "workbench"), "quarterly", "--data", str(data), "--out", str(out),
                           "--quarter", "2025Q3"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2025Q3/insights.html" in (out / "index.html").read_text(encoding="utf-8")
    for page in ("2025Q3/insights.html", "2025Q3/kpis.html"):
        assert (out / page).stat().st_size > 10_000, page  # the Vega bundle is inlined
    assert "2025Q3" in (out / "2025Q3" / "insights.html").read_text(encoding="utf-8")
