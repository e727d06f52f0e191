"""sip-lsp as a user installs it: the wheel of this checkout in a throwaway venv.

Process start-up is measured here, not in the development venv: an editable
install adds an import hook that every interpreter in that venv runs at start
(pathlib, importlib.util, re: ~10 ms), which a wheel install never pays. The
`python -c pass` floor comes from the same venv, so both sides start alike.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

from common import progress

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What the build reads; copied so the build leaves nothing in the checkout.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "sip_lsp")
_bin: str | None = None


def bin_dir() -> str:
    """The venv's bin directory (python, sip-lsp), built once per benchmark process."""
    global _bin
    if _bin is None:
        progress("building the wheel and installing it in a fresh venv")
        work = tempfile.mkdtemp(prefix="sip-lsp-wheel-")
        atexit.register(shutil.rmtree, work, True)
        source = os.path.join(work, "src")
        os.mkdir(source)
        for name in BUILD_INPUTS:
            path = os.path.join(ROOT, name)
            if os.path.isdir(path):
                shutil.copytree(
                    path, os.path.join(source, name), ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(path, source)
        dist, venv = os.path.join(work, "dist"), os.path.join(work, "venv")
        _quiet(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source)
        _quiet(sys.executable, "-m", "venv", venv)
        wheel = os.path.join(dist, next(n for n in os.listdir(dist) if n.endswith(".whl")))
        _bin = os.path.join(venv, "bin")
        _quiet(os.path.join(_bin, "python"), "-m", "pip", "install", "--quiet", wheel)
    return _bin


def python() -> str:
    return os.path.join(bin_dir(), "python")


def sip_lsp() -> list[str]:
    return [os.path.join(bin_dir(), "sip-lsp")]


def _quiet(*cmd: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
