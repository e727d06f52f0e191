"""The file that brings an included routing script in: its `include_file`/`import_file` parent.

Kamailio and OpenSIPS read an included file in place (cfg.lex `include_file`,
`import_file`): its routes join the including script's, so a failure_route in
one file is armed by `t_on_failure()` in another and calls routes of a third.
A document that is such an included file is analysed with its includer as
context (the top of the include chain, looked for in the document's folder and
its parents up to the workspace root), so its failure routes get their arming
sites and its calls reach the routes defined elsewhere.

A script that loads modules or has a main request route is a main file itself:
no includer is looked for. The search is common/includer.py's.
"""

from __future__ import annotations

import re

from sip_lsp.dialects.common.includer import IncluderSearch

_MAIN = re.compile(r"^\s*(?:loadmodule\b|request_route\s*\{|route\s*\{|route\s*\[\s*0\s*\]\s*\{)", re.M)


def is_main(text: str) -> bool:
    """Whether `text` is a main script (loads modules or routes requests): nobody includes it."""
    return _MAIN.search(text) is not None


SEARCH = IncluderSearch(
    include=re.compile(r"""(?:include_file|import_file)\s*\(?\s*["']?([^"'\s)]+)"""),
    suffixes=(".cfg", ".conf", ".inc", ".m4", ".tpl", ".sip"),
    marker="_file",  # include_file, import_file
    is_main=lambda _path, text: is_main(text),
)
top_includer = SEARCH.top_includer
