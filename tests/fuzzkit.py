"""Shared pieces for the fuzz and hostile-input tests: seeds, mutators, invariants.

Seeds are small hand-written configs in `fixtures/fuzz/` (one per dialect
family); when `shared/corpus/files` (beside the repository) exists its files are read at test
time as extra seeds (never copied into the repository). Mutations are drawn by
hypothesis so failures shrink to a short reproducer.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from shared import CORPUS as SHARED_CORPUS

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import lint
from sip_lsp.model import FACT_LISTS, Analysis, Facts, GuardFix, Span, Value

HERE = pathlib.Path(__file__).parent
SEEDS_DIR = HERE / "fixtures" / "fuzz"
CORPUS_DIR = SHARED_CORPUS

# name in fixtures/fuzz -> dialect
SEED_FILES = {
    "kamailio.cfg": "kamailio",
    "opensips.cfg": "opensips",
    "extensions.conf": "asterisk",
    "extensions.ael": "asterisk",
    "dialplan.xml": "freeswitch",
}
DIALECTS = ("kamailio", "opensips", "asterisk", "freeswitch")

# Fragments that break or confuse each dialect's structure when inserted anywhere.
TOKENS = (
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    '"',
    "'",
    "`",
    "\\",
    "${",
    "$(",
    "$",
    "#",
    "//",
    "/*",
    "*/",
    ";",
    ",",
    "|",
    "=>",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\0",
    "\ufeff",
    "\u2028",
    "é",
    "𝄞",
    "<",
    ">",
    "/>",
    "</",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&",
    "&amp;",
    "&#x0;",
    "&#99999999;",
    "<condition>",
    "</condition>",
    '<condition field="destination_number" expression="^(a*)*b$">',
    '<action application="respond" data="',
    '<action application="bridge" data="a|b,c"/>',
    "<extension name=",
    "</extension>",
    '<context name="x">',
    '<X-PRE-PROCESS cmd="include" data="../../../etc/passwd"/>',
    "#!ifdef X\n",
    "#!ifndef X\n",
    "#!else\n",
    "#!endif\n",
    "#!define X 1\n",
    '#!subst "/a/b/"\n',
    'include_file "../../etc/passwd"\n',
    'import_file "/etc/passwd"\n',
    '#include "/etc/passwd"\n',
    "route[",
    "failure_route[",
    "failure_route[X] {",
    "route(X);",
    't_on_failure("X");',
    "request_route {",
    't_check_status("',
    't_check_status("(a*)*b")',
    '"6")',
    "$T_reply_code == ",
    "$rs",
    " =~ ",
    "!=",
    ">=",
    "sl_send_reply(",
    "t_reply(",
    "ds_next_dst();",
    "t_relay();",
    "exit;",
    "drop;",
    "return;",
    "if (",
    "} else {",
    "604",
    "202",
    "999",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "6xx",
    "[",
    "^",
    "$",
    "exten => ",
    "same => n,",
    "[ctx]\n",
    "Dial(",
    "Hangup(",
    "PJSIPHangup(",
    "Goto(status-${DIALSTATUS},1)",
    "GotoIf($[",
    "?",
    ":",
    "context c {",
    "macro m() {",
    "switch (",
    "case ",
    "include => ",
)


def case_count(default: int = 200) -> int:
    """Examples per property: SIP_LSP_FUZZ_CASES (make fuzz) or a small default."""
    try:
        return max(1, int(os.environ.get("SIP_LSP_FUZZ_CASES", default)))
    except ValueError:
        return default


def fuzz_settings(scale: float = 1.0) -> settings:
    """Hypothesis settings for fuzzing: no deadline (speed is not asserted), no database."""
    return settings(
        max_examples=max(1, int(case_count() * scale)),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def seeds() -> list[tuple[str, str, str]]:
    """(name, dialect, text) for the shipped seeds."""
    return [
        (name, dialect, (SEEDS_DIR / name).read_text(encoding="utf-8"))
        for name, dialect in SEED_FILES.items()
    ]


def corpus_seeds(limit: int = 200_000) -> list[tuple[str, str, str]]:
    """Files of the shared corpus (read in place) as (name, dialect, text); empty when absent."""
    if not CORPUS_DIR.is_dir():
        return []
    from sip_lsp import dialects

    out = []
    for path in sorted(CORPUS_DIR.iterdir()):
        if not path.is_file() or path.stat().st_size > limit:
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        dialect = dialects.detect(text, path.name)
        if dialect in DIALECTS:
            out.append((path.name, dialect, text))
    return out


# ---------------------------------------------------------------- mutations


@st.composite
def mutant(draw, base: str) -> str:
    """`base` after a few random edits.

    Cut, delete, insert a token, duplicate, swap, strip a character class.
    """
    text = base
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        op = draw(
            st.sampled_from(
                ("truncate", "delete", "insert", "insert", "duplicate", "swap", "strip", "crlf", "repeat")
            )
        )
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 200)))
        if op == "truncate":
            text = text[:i]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            token = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)))
            text = text[:i] + token + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap":
            k = draw(st.integers(j, n))
            text = text[:i] + text[j:k] + text[i:j] + text[k:]
        elif op == "strip":
            chars = draw(st.sampled_from(("{", "}", '"', "'", "<", ">", "${", "(", ")", "\n", "[", "]", "=")))
            text = text.replace(chars, "")
        elif op == "crlf":
            text = text.replace("\n", "\r\n")
        elif op == "repeat":
            token = draw(st.sampled_from(("{", "(", "[", "<condition>", "${", '"', "if (", "route(X);")))
            text = text[:i] + token * draw(st.integers(1, 300)) + text[i:]
    return text


@st.composite
def byte_mutant(draw, base: str) -> bytes:
    """`base` as UTF-8 with random bytes flipped, inserted or cut: exercises `text.decode`."""
    data = bytearray(base.encode("utf-8"))
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(("flip", "insert", "cut", "bom")))
        if op == "flip" and i < len(data):
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=6))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 4))]
        elif op == "bom":
            data[0:0] = b"\xef\xbb\xbf"
    return bytes(data)


# ---------------------------------------------------------------- invariants


def spans_in(obj, where: str = "analysis"):
    """Every (where, Span) reachable from a tree of model values or dataclasses (findings, sites ...)."""
    if isinstance(obj, Span):
        yield where, obj
    elif isinstance(obj, GuardFix):
        yield f"{where}.offset", Span(obj.offset, obj.offset, obj.path)
    elif isinstance(obj, (Value, Facts)):
        for name in type(obj).__slots__:
            yield from spans_in(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, Analysis):
        for name in (*FACT_LISTS, "notes"):
            yield from spans_in(getattr(obj, name), f"{where}.{name}")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name != "text":
                yield from spans_in(getattr(obj, f.name), f"{where}.{f.name}")
    elif isinstance(obj, (list, tuple)):
        for k, item in enumerate(obj):
            yield from spans_in(item, f"{where}[{k}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from spans_in(item, f"{where}[{k!r}]")


def check_result(text: str, analysis, findings, catalog=None) -> None:
    """The invariants every analysis keeps, whatever the input."""
    catalog = catalog or default_catalog()
    n = len(text)
    assert analysis.text == text
    seen = 0
    for where, span in spans_in([analysis, findings], "result"):
        seen += 1
        assert isinstance(span.start, int) and isinstance(span.end, int), (where, span)
        if span.path is None:
            assert 0 <= span.start <= span.end <= n, f"{where}: {span} outside 0..{n}"
        else:
            assert 0 <= span.start <= span.end, f"{where}: {span}"
            assert span.path in analysis.included, f"{where}: {span.path} was never included"
    assert seen >= len(findings), "every finding has a span: the walk above missed some"
    for finding in findings:
        assert finding.rule in catalog.rules, f"unknown rule id {finding.rule!r}"
        assert finding.severity in ("error", "warning", "information", "hint"), finding
        assert isinstance(finding.message, str) and finding.message, finding


def lint_checked(text: str, dialect: str | None = None, path: str | None = None, **kwargs):
    """lint() with the invariants checked; returns the LintResult."""
    catalog = default_catalog()
    result = lint(text, path, kwargs.pop("settings", Settings()), catalog, dialect=dialect, **kwargs)
    check_result(text, result.analysis, result.findings, catalog)
    return result


# ---------------------------------------------------------------- reporting


class _CaseReport:
    """A pytest plugin that prints the fuzz cases run in the terminal summary."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.counts:
            total = sum(self.counts.values())
            parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
            terminalreporter.write_line(f"fuzz: {total} cases run ({parts})")


_REPORT = _CaseReport()


def count_case(config, group: str, n: int = 1) -> None:
    """Record cases run under `group`; the total is printed at the end of the session."""
    if not config.pluginmanager.is_registered(_REPORT):
        config.pluginmanager.register(_REPORT, "sip-lsp-fuzz-cases")
    _REPORT.counts[group] = _REPORT.counts.get(group, 0) + n
