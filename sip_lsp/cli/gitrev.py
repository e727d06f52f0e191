"""Files as they were at a git revision, for `sip-lsp diff --rev` (plain `git` subprocesses).

`GitRev.open(path, rev)` finds the repository around `path` and checks the
revision; `files(rel)` lists what was under a path then (`git ls-tree`), `read`
gives a file's bytes then (`git cat-file`). Working-tree paths are mapped to
repository paths, so an include the old script names is read at the same revision.
"""

from __future__ import annotations

import os
import subprocess


class GitError(Exception):
    """Not a repository, an unknown revision, or git itself missing: the message key and values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def _git(cwd: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", cwd, *args], capture_output=True, check=False)
    except OSError as exc:
        raise GitError("diff_no_git", why=exc.strerror or exc) from None


class GitRev:
    """One revision of one repository."""

    def __init__(self, top: str, rev: str) -> None:
        self.top = top  # the work tree's top directory (real path)
        self.rev = rev
        self._texts: dict[str, bytes | None] = {}

    @staticmethod
    def open(path: str, rev: str) -> GitRev:
        here = path if os.path.isdir(path) else os.path.dirname(path)
        while here and not os.path.isdir(here):  # a path deleted since: its nearest directory
            here = os.path.dirname(here)
        found = _git(here or ".", "rev-parse", "--show-toplevel")
        if found.returncode != 0:
            raise GitError("diff_not_git", path=path)
        top = os.path.realpath(found.stdout.decode("utf-8", "replace").strip())
        if (
            rev.startswith("-")
            or _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode
        ):
            raise GitError("diff_unknown_rev", rev=rev)
        return GitRev(top, rev)

    def relative(self, path: str) -> str | None:
        """`path` inside the repository ("a/b.cfg"), or None when outside it."""
        full = os.path.realpath(path) if os.path.exists(path) else os.path.abspath(path)
        rel = os.path.relpath(full, self.top)
        if rel == ".":
            return ""
        return None if rel.startswith("..") or os.path.isabs(rel) else rel.replace(os.sep, "/")

    def files(self, rel: str) -> list[str]:
        """Every file at the revision that is `rel` or below it (repository paths)."""
        found = _git(self.top, "ls-tree", "-r", "-z", "--name-only", self.rev, "--", rel or ".")
        if found.returncode != 0:
            return []
        names = [n.decode("utf-8", "surrogateescape") for n in found.stdout.split(b"\0") if n]
        return sorted(n for n in names if n == rel or not rel or n.startswith(rel.rstrip("/") + "/"))

    def blob(self, rel: str) -> bytes | None:
        """A file's bytes at the revision, or None when it had no such file."""
        if rel not in self._texts:
            found = _git(self.top, "cat-file", "blob", f"{self.rev}:{rel}")
            self._texts[rel] = found.stdout if found.returncode == 0 else None
        return self._texts[rel]

    def read_text(self, path: str) -> str | None:
        """An included file's text at the revision (a working-tree path in, as the dialects ask)."""
        from sip_lsp.text import decode

        rel = self.relative(path)
        data = self.blob(rel) if rel else None
        return None if data is None or b"\0" in data[:8192] else decode(data)[0]
