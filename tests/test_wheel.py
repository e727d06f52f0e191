"""The wheel a user installs works on its own: fresh venv, no repository, no catalogue sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the build reads; copied so the build leaves nothing in the shared tree.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "sip_lsp")


def _run(*cmd: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )
    return result


@pytest.mark.slow
def test_wheel_installs_and_explains_in_a_fresh_venv(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.tmp"))
        elif path.exists():
            shutil.copy2(path, source / name)
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source, cwd=tmp_path)
    wheel = next(dist.glob("sip_lsp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "sip_lsp/data/catalog.json" in names
    assert {"sip_lsp/data/site/index.html", "sip_lsp/data/site/ru/compare/202-604.html"} <= set(names)
    assert not [n for n in names if n.endswith(".yaml")], "catalogue sources do not belong in the wheel"

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    out = _run(bin_dir / "sip-lsp", "explain", "604", cwd=work, timeout=60).stdout
    assert out.startswith("604 Does Not Exist Anywhere · 6xx Global Failure")
    assert "How to fix" in out
    origin = _run(bin_dir / "python", "-c", "import sip_lsp; print(sip_lsp.__file__)", cwd=work).stdout
    assert str(venv) in origin, "the installed package, not the repository, must answer"
