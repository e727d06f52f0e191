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
main dialplan: no includer is looked for. The search is common/includer.py's.
"""

from __future__ import annotations

import os
import re

from sip_lsp.dialects.common.includer import IncluderSearch

_MAIN = re.compile(r"^[^\S\n]*\[(?:general|globals)\]", re.M | re.I)


def is_main(path: str, text: str) -> bool:
    """Whether the dialplan at `path` is a main one (extensions.conf, or `[general]`): nobody includes it."""
    return os.path.basename(path).lower() == "extensions.conf" or _MAIN.search(text) is not None


SEARCH = IncluderSearch(
    include=re.compile(
        r"^[^\S\n]*#\s*(?:include|tryinclude)\s+\"?([^\"\n;]+?)\"?\s*(?:;[^\n]*)?$", re.M | re.I
    ),
    suffixes=(".conf", ".inc"),
    marker="include",
    is_main=is_main,
)
top_includer = SEARCH.top_includer
