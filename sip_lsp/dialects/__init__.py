"""Dialect detection and dispatch: text -> `Analysis` (facts only, no judgement).

Each dialect module exposes `analyze(text, ctx) -> Analysis`. Detection looks
at the file name, its path and the first lines of content (DESIGN §3); a
`dialect_globs` setting forces a dialect for matching paths.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.gcpause import without_gc
from sip_lsp.model import Analysis, Local, OutcomeTable, Simulation
from sip_lsp.text import LineIndex

if TYPE_CHECKING:  # the catalogue loads on first need, not on import
    from sip_lsp.catalog import Catalog

DIALECTS = ("kamailio", "opensips", "asterisk", "freeswitch", "kemi")

# How far into a file detection looks (lines).
_HEAD_LINES = 400


class DialectContext:
    """What a dialect may need beyond the text.

    A slotted class, not a dataclass: creating the dataclass cost every `check` ~0.2 ms.
    """

    __slots__ = ("path", "root", "catalog", "read", "flavor", "seen", "cache", "lines")

    def __init__(
        self,
        path: str | None = None,
        root: str | None = None,
        catalog: Catalog | None = None,
        read: Callable[[str], str | None] | None = None,
        flavor: str | None = None,
        seen: set[str] | None = None,
        cache: BlockCache | None = None,
        lines: LineIndex | None = None,
    ) -> None:
        self.path = path  # absolute path of the document, if any
        self.root = root  # workspace root: includes never leave it
        self.catalog = catalog  # the cause maps; None: the built-in catalogue
        # Reads an included file: path -> text, or None when unreadable. The server
        # passes one that prefers open documents; the CLI one reads the disk.
        self.read = read
        self.flavor = flavor  # kamailio | opensips when already known
        self.seen = set() if seen is None else seen  # include cycle guard
        # The document's blocks as the previous analysis left them; a fresh one: a cold analysis.
        self.cache = BlockCache() if cache is None else cache
        # The document's line index when the caller keeps one (the server); else made on first need.
        self.lines = lines

    def lines_of(self, text: str) -> LineIndex:
        """The line index of the document `text`: the caller's, or one made once for every layer."""
        if self.lines is None or self.lines.text is not text:
            self.lines = LineIndex(text)
        return self.lines


# Pattern strings, compiled on first use (re's own cache): a file with a #! mark
# needs only the first, and compiling them all at import cost every run ~0.7 ms.
_SER_MARK = r"(?m)^\s*#!(KAMAILIO|SER|OPENSIPS|OPENSER)\b"
_SER_HINT = (
    r"(?m)^\s*(loadmodule\b|modparam\s*\(|mpath\s*="
    r"|(request_|failure_|onreply_|branch_|reply_|local_|error_|startup_)?route\s*(\[|\{)|event_route\s*\[)"
)
_OPENSIPS_HINT = (
    r"(?i)#!OPENSIPS|\bopensips\b|\bt_was_cancelled\b|\buse_next_gw\b|\bdrouting\b|\blb_next\b"
    r"|\bmpath\s*=|\bsocket\s*=\s*\w+:|\bmod_fix\b|\bopensipsctl\b|\bbranch_route\s*\[|\$ru\b.*\$ru\b"
    r"|\bsl_send_reply\s*\(\s*\d"
)
_KAMAILIO_HINT = r"(?i)#!KAMAILIO|#!SER\b|\bkamailio\b|request_route\b|\bkamcmd\b|\$T_reply_code|\bksr\b"
_ASTERISK_HINT = r"(?mi)^\s*(exten|same)\s*=>?"
_ASTERISK_CONTEXT = r"(?m)^\s*\[[^\]\n]+\]"
_ASTERISK_FRAGMENT = r"(?mi)^\s*exten\s*=>?\s*[^,\n]+,\s*(\d+|n|hint)\b[^,\n]*,"
_AEL_HINT = r"(?m)^\s*(context|macro)\s+[\w-]+\s*\{"
_FREESWITCH_HINT = r"(?i)<(extension|condition|action|context)\b|application\s*="
# A Kamailio KEMI script (Python, Lua, JavaScript) calls the KSR API: `KSR.tm.t_relay(`.
_KEMI_EXTENSIONS = (".py", ".lua", ".js", ".mjs")
_KEMI_CALL = r"\bKSR\s*\.\s*[A-Za-z_][\w.]*\s*\("


def detect(
    text: str, path: str | None = None, globs: dict[str, str] | None = None, root: str | None = None
) -> str:
    """Return the dialect of a document, or "unknown".

    A Python, Lua or JavaScript file is KEMI when it calls `KSR.`, or when a
    kamailio.cfg beside it, in its parent folder or in the workspace `root` names it
    (`modparam("app_lua", "load", ...)`: dialects/common/kemi_scripts.py).
    """
    if path and globs:
        for pattern, dialect in globs.items():
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
                return dialect
    name = os.path.basename(path or "").lower()
    head = text[:20000] if len(text) > 20000 else text
    head = "\n".join(head.lstrip("\ufeff").split("\n")[:_HEAD_LINES])
    if name.endswith(_KEMI_EXTENSIONS):
        if "KSR" in text and re.search(_KEMI_CALL, text):
            return "kemi"
        from sip_lsp.dialects.common import kemi_scripts

        return "kemi" if kemi_scripts.named_by_config(path, root) else "unknown"
    if name.endswith(".ael"):
        return "asterisk"
    if name.endswith(".xml") or head.lstrip().startswith("<"):
        if re.search(_FREESWITCH_HINT, head):
            return "freeswitch"
        return "unknown"
    if name.startswith("extensions") and (name.endswith(".conf") or ".conf." in name):
        return "asterisk"
    mark = re.search(_SER_MARK, head)
    if mark:
        return "opensips" if mark.group(1) in ("OPENSIPS",) else "kamailio"
    if re.search(_SER_HINT, head):
        return _ser_flavor(head, name, path or "")
    if re.search(_ASTERISK_HINT, head) and re.search(_ASTERISK_CONTEXT, head):
        return "asterisk"
    if re.search(_ASTERISK_FRAGMENT, head):  # an #include'd list of extensions, no [context]
        return "asterisk"
    if re.search(_AEL_HINT, head):
        return "asterisk"
    return "unknown"


def _ser_flavor(head: str, name: str, path: str) -> str:
    if "opensips" in name or "opensips" in path.lower():
        return "opensips"
    if "kamailio" in name or "kamailio" in path.lower() or name.startswith("ser"):
        return "kamailio"
    opensips = len(re.findall(_OPENSIPS_HINT, head))
    kamailio = len(re.findall(_KAMAILIO_HINT, head))
    return "opensips" if opensips > kamailio else "kamailio"


def note_text(ctx: DialectContext, key: str, **values: str) -> str:
    """A dialect note's text, from the catalogue's headings (dialects hold no prose)."""
    from sip_lsp.catalog import default_catalog

    catalog = ctx.catalog or default_catalog()
    return catalog.heading(key).format(**values)


def analyze(text: str, dialect: str, ctx: DialectContext | None = None) -> Analysis:
    """Extract facts from `text` with the named dialect; never raises on bad input."""
    return without_gc(_analyze, text, dialect, ctx or DialectContext())


def _analyze(text: str, dialect: str, ctx: DialectContext) -> Analysis:
    try:
        return _dispatch(text, dialect, ctx)
    finally:
        ctx.cache.sweep()  # what this analysis did not use goes


def _dispatch(text: str, dialect: str, ctx: DialectContext) -> Analysis:
    if dialect in ("kamailio", "opensips"):
        from sip_lsp.dialects import ser

        ctx.flavor = dialect
        return ser.analyze(text, ctx)
    if dialect == "asterisk":
        from sip_lsp.dialects import asterisk

        return asterisk.analyze(text, ctx)
    if dialect == "freeswitch":
        from sip_lsp.dialects import freeswitch

        return freeswitch.analyze(text, ctx)
    if dialect == "kemi":
        from sip_lsp.dialects import kemi

        return kemi.analyze(text, ctx)
    return Analysis(dialect="unknown", text=text, path=ctx.path)


# The package that walks a dialect's handlers: KEMI and the native cfg share none of it.
_SIMULATORS = {
    "kamailio": "ser",
    "opensips": "ser",
    "asterisk": "asterisk",
    "freeswitch": "freeswitch",
    "kemi": "kemi",
}


def simulate(
    text: str,
    dialect: str,
    table: OutcomeTable,
    code: int | None,
    local: Local | None = None,
    ctx: DialectContext | None = None,
) -> Simulation | None:
    """Walk one final status (or a local case) through the failover point `table` of `text`.

    `table` is one of `analyze(text, dialect, ctx).outcome_tables`. Each dialect package
    has a `simulate` module with a function of the same name and signature (minus the
    dialect); None when the dialect has no walker or the table is not in `text`.
    """
    package = _SIMULATORS.get(dialect)
    if package is None:
        return None
    import importlib

    module = importlib.import_module(f"sip_lsp.dialects.{package}.simulate")
    ctx = ctx or DialectContext()
    if dialect in ("kamailio", "opensips"):
        ctx.flavor = dialect
    result: Simulation | None = without_gc(module.simulate, text, ctx, table, code, local)
    return result
