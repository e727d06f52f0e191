"""The file that brings an included routing script in: its `include_file`/`import_file` parent.

Kamailio and OpenSIPS read an included file in place (cfg.lex `include_file`,
`import_file`): its routes join the including script's, so a failure_route in
one file is armed by `t_on_failure()` in another and calls routes of a third.
A document that is such an included file is analysed with its includer as
context (the top of the include chain, looked for in the document's folder and
its parents up to the workspace root), so its failure routes get their arming
sites and its calls reach the routes defined elsewhere.

A script that loads modules or has a main request route is a main file itself:
no includer is looked for. The folder scan is remembered per folder listing
(names, sizes, modification times): a pure memo of what it read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

_MAIN = re.compile(r"^\s*(?:loadmodule\b|request_route\s*\{|route\s*\{|route\s*\[\s*0\s*\]\s*\{)", re.M)
_INCLUDE = re.compile(r"""(?:include_file|import_file)\s*\(?\s*["']?([^"'\s)]+)""")
_SUFFIXES = (".cfg", ".conf", ".inc", ".m4", ".tpl", ".sip")
MAX_FILES = 64  # candidates read per folder
MAX_LEVELS = 4  # folders up from the document, and includers up the chain
MAX_BYTES = 2_000_000
_MEMO: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, str]] = {}
_MEMO_MAX = 64


def is_main(text: str) -> bool:
    """Whether `text` is a main script (loads modules or routes requests): nobody includes it."""
    return _MAIN.search(text) is not None


def top_includer(
    path: str, text: str, root: str | None, read: Callable[[str], str | None]
) -> tuple[str, str] | None:
    """(path, text) of the script at the top of the include chain that reaches `path`; None if none."""
    if not root or is_main(text):
        return None
    real_root = os.path.realpath(root)
    found: tuple[str, str] | None = None
    here, seen = os.path.realpath(path), {os.path.realpath(path)}
    for _ in range(MAX_LEVELS):
        parent = _includer(here, real_root, read)
        if parent is None or parent[0] in seen:
            break
        seen.add(parent[0])
        found = parent
        if is_main(parent[1]):
            break
        here = parent[0]
    return found


def _includer(real: str, root: str, read: Callable[[str], str | None]) -> tuple[str, str] | None:
    """A file in `real`'s folder or a parent (inside `root`) whose include names `real`."""
    folder = os.path.dirname(real)
    for _ in range(MAX_LEVELS):
        if not (folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)):
            return None
        candidate = _includes(folder).get(real)
        if candidate is not None and candidate != real:
            text = read(candidate)  # the server's reader: an open document's unsaved text first
            if text is not None and os.path.basename(real) in text:
                return candidate, text
        if folder == root:
            return None
        folder = os.path.dirname(folder)
    return None


def _includes(folder: str) -> dict[str, str]:
    """The real path of each file a script of `folder` includes -> that script (the first, by name)."""
    listing = _listing(folder)
    key = (folder, listing)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        found = {}
        for name, _, _ in listing:
            full = os.path.join(folder, name)
            for target in _targets(full):
                found.setdefault(target, full)
        _MEMO[key] = found
    return found


def _listing(folder: str) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime in ns) of the candidate scripts in `folder`, sorted, at most MAX_FILES."""
    out: list[tuple[str, int, int]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = entry.name
                if len(out) >= MAX_FILES:
                    break
                if not name.endswith(_SUFFIXES) or not entry.is_file():
                    continue
                st = entry.stat()
                if st.st_size <= MAX_BYTES:
                    out.append((name, st.st_size, st.st_mtime_ns))
    except OSError:
        return ()
    return tuple(out)


def _targets(path: str) -> list[str]:
    """The real paths `path` includes (read from disk: the memo is keyed by the disk's listing)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_BYTES)
    except OSError:
        return []
    if "include_file" not in text and "import_file" not in text:
        return []
    folder = os.path.dirname(path)
    out = []
    for m in _INCLUDE.finditer(text):
        try:
            out.append(os.path.realpath(os.path.join(folder, m.group(1))))
        except (OSError, ValueError):
            continue
    return out
