"""Warm analysis per dialect, through `lint.lint` and through `dialects.analyze`.

For each size the text is generated afresh with a new salt per run, so no
per-chunk cache has seen it: these are first analyses in a warm process. The
figure is CPU time (process_time), best of the runs; the floor is one regex
scan of the same text for words, less than any tokenizer can cost. Linear
means the ms per 1k lines at 10k and 100k stay within 1.5x of the 1k figure.
The last rows per dialect re-lint the 1k and the largest text after a
one-character edit (what the language server does on a keystroke, with the
document's BlockCache).

    .venv/bin/python bench/analysis.py [kamailio asterisk ...]
"""

from __future__ import annotations

import re
import sys
import time
from functools import partial

from common import print_table, progress, row
from generate import file_name, generate

SIZES = {
    "kamailio": (1_000, 10_000, 100_000),
    "opensips": (1_000, 10_000, 100_000),
    "asterisk": (1_000, 10_000, 100_000),
    "freeswitch": (1_000, 10_000, 20_000),
}
RUNS = {1_000: 10, 10_000: 3, 20_000: 2, 100_000: 2}
GOAL_1K_MS = 5.0
LINEAR = 1.5
_WORDS = re.compile(r"\S+")
_salt = 0


def _fresh(dialect: str, lines: int) -> str:
    global _salt
    _salt += 1
    return generate(dialect, lines, salt=f"v{_salt}")


def _cpu(call) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


def _floor(text: str) -> float:
    return min(_cpu(lambda: _WORDS.findall(text)) for _ in range(3))


def measure(dialect: str) -> list[dict]:
    from sip_lsp import dialects
    from sip_lsp.catalog import default_catalog
    from sip_lsp.config import Settings
    from sip_lsp.lint import lint

    catalog, settings = default_catalog(), Settings()
    path = f"/bench/{file_name(dialect)}"

    def via_lint(text: str, cache=None) -> None:
        lint(text, path, settings, catalog, dialect=dialect, cache=cache)

    def via_analyze(text: str) -> None:
        dialects.analyze(text, dialect, dialects.DialectContext(path=path, catalog=catalog))

    via_lint(_fresh(dialect, 200))  # imports, catalogue, compiled patterns
    rows = []
    for name, call in (("lint", via_lint), ("analyze", via_analyze)):
        per_1k = None
        for lines in SIZES[dialect]:
            progress(f"{dialect} {name} {lines:,} lines")
            texts = [_fresh(dialect, lines) for _ in range(RUNS[lines])]
            n = texts[0].count("\n")
            best = min(_cpu(partial(call, t)) for t in texts)
            floor = _floor(texts[0])
            if per_1k is None:
                per_1k = best * 1e6 / n
                rows.append(
                    row(
                        f"{dialect} {name}, 1k lines",
                        best * 1e3,
                        "ms",
                        f"< {GOAL_1K_MS:g} ms",
                        f"{floor * 1e3:.2f} ms regex scan",
                        best * 1e3 < GOAL_1K_MS,
                    )
                )
                continue
            value = best * 1e6 / n
            rows.append(
                row(
                    f"{dialect} {name}, ms per 1k lines at {lines // 1000}k",
                    value,
                    "ms",
                    f"<= {per_1k * LINEAR:.1f} (linear)",
                    f"{floor * 1e6 / n:.2f} ms regex scan",
                    value <= per_1k * LINEAR,
                )
            )
    rows.append(_edit(dialect, via_lint, 1_000, GOAL_1K_MS, "< 5 ms (1k goal, caches warm)"))
    rows.append(_edit(dialect, via_lint, SIZES[dialect][-1], 150, "< 150 ms (LSP edit budget)"))
    return rows


def _edit(dialect: str, via_lint, lines: int, goal_ms: float, goal: str) -> dict:
    """Re-lint a text after inserting one space in its middle (what a keystroke costs)."""
    progress(f"{dialect} re-lint after an edit, {lines:,} lines")
    from sip_lsp.lint import DocumentCache

    text = _fresh(dialect, lines)
    cache = DocumentCache()  # the document's, as the language server keeps it
    via_lint(text, cache)
    times = []
    for k in range(3):
        middle = text.index("\n", len(text) // 2 + k * 997) + 1
        text = text[:middle] + " " + text[middle:]
        times.append(_cpu(partial(via_lint, text, cache)))
    return row(
        f"{dialect} re-lint after a 1-char edit, {lines // 1000}k lines",
        min(times) * 1e3,
        "ms",
        goal,
        "",
        min(times) * 1e3 < goal_ms,
    )


def main(argv: list[str]) -> int:
    rows = [r for d in (argv or list(SIZES)) for r in measure(d)]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
