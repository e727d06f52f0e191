"""`sip-lsp: disable=SC315` in a KEMI script's comments (`#`, `--`, `//`, block comments too).

The same grammar as the native dialect (sip_lsp/dialects/ser): `disable=` hides the
rules on the comment's line and the next one, `disable-file=` in the whole file.
The comments come from the language's own tokenizer or parser, never from a scan
of the program text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from sip_lsp.model import Suppressions

_SUPPRESS = re.compile(r"sip-lsp:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_,\s-]+)")


def read(comments: list[tuple[int, int, str]], text: str) -> Suppressions:
    found = Suppressions()
    if not any("sip-lsp" in c for _, _, c in comments):
        return found
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for start, _, comment in comments:
        for m in _SUPPRESS.finditer(comment):
            ids = frozenset(x.strip().upper() for x in m.group(2).replace(" ", ",").split(",") if x.strip())
            if m.group(1) == "disable-file":
                found.file = found.file | ids
                continue
            line = bisect_right(starts, start + m.start()) - 1
            for ln in (line, line + 1):
                found.lines[ln] = found.lines.get(ln, frozenset()) | ids
    return found
