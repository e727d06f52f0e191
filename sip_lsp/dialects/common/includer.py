"""The file that brings an included document in: the search both include-merging dialects share.

Kamailio/OpenSIPS (`include_file`, `import_file`) and Asterisk (`#include`) read an
included file in place, so a document that is such a file is analysed with its
includer as context: the top of the include chain, looked for in the document's
folder and its parents up to the workspace root. Each dialect says what an include
looks like and what makes a file a main one (ser/includer.py, asterisk/includer.py).

The folder scan is remembered per folder listing (names, sizes, modification
times) and include pattern: a pure memo of what it read, nothing of a document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

MAX_FILES = 64  # candidates read per folder
MAX_LEVELS = 4  # folders up from the document, and includers up the chain
MAX_BYTES = 2_000_000
_Listing = tuple[tuple[str, int, int], ...]
_MEMO: dict[tuple[str, str, _Listing], dict[str, str]] = {}
_MEMO_MAX = 64

Read = Callable[[str], "str | None"]


class IncluderSearch:
    """How one dialect finds the file that includes a document."""

    def __init__(
        self,
        include: re.Pattern[str],  # group 1: the included name, relative to the including file
        suffixes: tuple[str, ...],  # the names of candidate including files
        marker: str,  # a file without this text includes nothing (read before the pattern runs)
        is_main: Callable[[str, str], bool],  # (path, text): a main file, which nobody includes
    ) -> None:
        self.include = include
        self.suffixes = suffixes
        self.marker = marker
        self.is_main = is_main

    def top_includer(self, path: str, text: str, root: str | None, read: Read) -> tuple[str, str] | None:
        """(path, text) of the file at the top of the include chain that reaches `path`; None if none."""
        if not root or self.is_main(path, text):
            return None
        real_root = os.path.realpath(root)
        found: tuple[str, str] | None = None
        here, seen = os.path.realpath(path), {os.path.realpath(path)}
        for _ in range(MAX_LEVELS):
            parent = self._includer(here, real_root, read)
            if parent is None or parent[0] in seen:
                break
            seen.add(parent[0])
            found = parent
            if self.is_main(*parent):
                break
            here = parent[0]
        return found

    def _includer(self, real: str, root: str, read: Read) -> tuple[str, str] | None:
        """A file in `real`'s folder or a parent (inside `root`) whose include names `real`."""
        folder = os.path.dirname(real)
        for _ in range(MAX_LEVELS):
            if not (folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)):
                return None
            candidate = self._includes(folder).get(real)
            if candidate is not None and candidate != real:
                text = read(candidate)  # the server's reader: an open document's unsaved text first
                if text is not None and os.path.basename(real) in text:
                    return candidate, text
            if folder == root:
                return None
            folder = os.path.dirname(folder)
        return None

    def _includes(self, folder: str) -> dict[str, str]:
        """The real path of each file a file of `folder` includes -> that file (the first, by name)."""
        listing = self._listing(folder)
        key = (self.include.pattern, folder, listing)
        found = _MEMO.get(key)
        if found is None:
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            found = {}
            for name, _, _ in listing:
                full = os.path.join(folder, name)
                for target in self._targets(full):
                    found.setdefault(target, full)
            _MEMO[key] = found
        return found

    def _listing(self, folder: str) -> _Listing:
        """(name, size, mtime in ns) of the candidate files in `folder`, sorted, at most MAX_FILES."""
        out: list[tuple[str, int, int]] = []
        try:
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    name = entry.name
                    if len(out) >= MAX_FILES:
                        break
                    if not name.endswith(self.suffixes) or not entry.is_file():
                        continue
                    st = entry.stat()
                    if st.st_size <= MAX_BYTES:
                        out.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            return ()
        return tuple(out)

    def _targets(self, path: str) -> list[str]:
        """The real paths `path` includes, relative names from its folder (as common/includes.py reads
        them); read from disk: the memo is keyed by the disk's listing."""
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(MAX_BYTES)
        except OSError:
            return []
        if self.marker not in text:
            return []
        folder = os.path.dirname(path)
        out = []
        for m in self.include.finditer(text):
            try:
                out.append(os.path.realpath(os.path.join(folder, m.group(1).strip())))
            except (OSError, ValueError):
                continue
        return out
