"""The one include resolver: SER `include_file`/`import_file`, Asterisk `#include`/`#tryinclude`.

An include is read when its target, symlinks resolved, lies inside the
workspace root or the document's own folder (the folder of every file it
includes is inside those too). A relative name is taken from the including
file's folder; with no document path and no root nothing is read, not even
from the working directory. Each file is read once per analysis, so a cycle
is cut where it closes; at most MAX_FILES are read. An include outside
written in the document itself gets a note (its text from the catalogue's
headings); one written in an included file belongs to that file's own
analysis, and the server shows only the document's notes.
"""

from __future__ import annotations

import os

from sip_lsp.dialects import DialectContext, note_text
from sip_lsp.model import Analysis, Note, Span
from sip_lsp.text import read_text

MAX_FILES = 1000


class Includes:
    """Resolves one analysis' includes: `(name as written, its span) -> (real path, text)`, or None.

    `span.path` is the including file (None: the document). Every file read is
    added to `analysis.included`, in the order read.
    """

    __slots__ = ("ctx", "analysis", "folder", "roots", "seen")

    def __init__(self, ctx: DialectContext, analysis: Analysis) -> None:
        self.ctx, self.analysis = ctx, analysis
        # Where a relative name in the document itself is taken from.
        self.folder = os.path.dirname(ctx.path) if ctx.path else (ctx.root or "")
        # Resolved at the first include: most documents have none, and realpath costs system calls.
        self.roots: list[str] | None = None
        self.seen: set[str] = set()

    def _start(self) -> list[str]:
        ctx = self.ctx
        # A copy: the context may serve another analysis of the same text, which must read the same files.
        self.seen = set(ctx.seen)
        if ctx.path:
            self.seen.add(os.path.realpath(ctx.path))
        self.roots = [os.path.realpath(d) for d in (ctx.root, self.folder) if d]
        return self.roots

    def adopt(self, path: str) -> bool:
        """Mark a file read as context (the document's includer) as read; False if it already was."""
        if self.roots is None:
            self._start()
        if path in self.seen or len(self.seen) >= MAX_FILES:
            return False
        self.seen.add(path)
        self.analysis.included.append(path)
        return True

    def __call__(self, name: str, span: Span) -> tuple[str, str] | None:
        folder = os.path.dirname(span.path) if span.path else self.folder
        if not name or not (folder or os.path.isabs(name)):
            return None
        roots = self.roots if self.roots is not None else self._start()
        try:
            path = os.path.realpath(os.path.join(folder, name))
        except (OSError, ValueError):  # a NUL byte or an unusable name: no file has it
            return None
        if not any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
            if span.path is None:
                self.analysis.notes.append(Note(span, note_text(self.ctx, "note_include_outside", name=name)))
            return None
        if path in self.seen or len(self.seen) >= MAX_FILES:
            return None
        self.seen.add(path)
        text = self.ctx.read(path) if self.ctx.read is not None else read_text(path)
        if text is None:
            return None
        self.analysis.included.append(path)
        return path, text
