"""The dialplan that brings an included file in: its `#include`/`#tryinclude` parent.

Asterisk reads an `#include` in place (main/config.c `process_text_line`, then
`config_text_file_load` from `ast_config_get_current_category`): the included
lines continue the context the including file left open, and its contexts join
the same dialplan, so a Dial() in one file fails over to a DIALSTATUS handler or
a Hangup() in a context of the other. (Asterisk takes a relative name from its
config directory and expands globs; common/includes.py takes it from the
including file's folder, the same place in a flat /etc/asterisk.) A document that is
such an included file is analysed inside its includer's model (the top of the
include chain, looked for in the document's folder and its parents up to the
workspace root), as dialects/ser/includer.py does for Kamailio `include_file`.

extensions.conf itself, or a file with a `[general]` or `[globals]` section, is a
main dialplan: no includer is looked for. The folder scan is remembered per
folder listing (names, sizes, modification times): a pure memo of what it read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

_MAIN = re.compile(r"^[^\S\n]*\[(?:general|globals)\]", re.M | re.I)
_INCLUDE = re.compile(
    r"^[^\S\n]*#\s*(?:include|tryinclude)\s+\"?([^\"\n;]+?)\"?\s*(?:;[^\n]*)?$", re.M | re.I
)
_SUFFIXES = (".conf", ".inc")
MAX_FILES = 64  # candidates read per folder
MAX_LEVELS = 4  # folders up from the document, and includers up the chain
MAX_BYTES = 2_000_000
_MEMO: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, str]] = {}
_MEMO_MAX = 64


def is_main(path: str, text: str) -> bool:
    """Whether the dialplan at `path` is a main one (extensions.conf, or `[general]`): nobody includes it."""
    return os.path.basename(path).lower() == "extensions.conf" or _MAIN.search(text) is not None


def top_includer(
    path: str, text: str, root: str | None, read: Callable[[str], str | None]
) -> tuple[str, str] | None:
    """(path, text) of the dialplan at the top of the include chain that reaches `path`; None if none."""
    if not root or is_main(path, text):
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
        if is_main(*parent):
            break
        here = parent[0]
    return found


def _includer(real: str, root: str, read: Callable[[str], str | None]) -> tuple[str, str] | None:
    """A file in `real`'s folder or a parent (inside `root`) whose `#include` names `real`."""
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
    """The real path of each file a dialplan of `folder` includes -> that dialplan (the first, by name)."""
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
    """(name, size, mtime in ns) of the candidate dialplans in `folder`, sorted, at most MAX_FILES."""
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
    """The real paths `path` includes, relative names from its folder (as common/includes.py reads them)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_BYTES)
    except OSError:
        return []
    if "include" not in text:
        return []
    folder = os.path.dirname(path)
    out = []
    for m in _INCLUDE.finditer(text):
        try:
            out.append(os.path.realpath(os.path.join(folder, m.group(1).strip())))
        except (OSError, ValueError):
            continue
    return out
