"""Recognise tests of the response status in conditions and what each admits.

Shared by the fact collector (which records the tests) and the flow analysis
(which narrows the status set through them).
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache

from sip_lsp.dialects.ser import status_regex
from sip_lsp.dialects.ser.lexer import value_offsets
from sip_lsp.dialects.ser.status_regex import WrittenCode
from sip_lsp.dialects.ser.syntax import UNSEEN, Binary, Call, Lit, Name, Node, Unary, Var
from sip_lsp.model import ALL_CODES

_CODES = tuple(sorted(ALL_CODES))

# Status variables: $rs (current reply; the request in failure_route), $T_reply_code and
# $T_rpl($rs) (the winning reply in failure_route), the OpenSER `status` keyword.
STATUS_VARS = frozenset({"$rs", "$T_reply_code", "$T_rpl($rs)", "$T_rpl($T_reply_code)", "$T(reply_code)"})
REQUEST_STATUS = "$rs"
_NUMERIC = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!=", "=~": "=~", "!~": "!~"}
# t_branch_timeout: the branch timed out, tm makes it a local 408.
# t_is_canceled (Kamailio) / t_was_cancelled (OpenSIPS): the transaction was cancelled (487).
_CALL_TESTS = {
    "t_branch_timeout": ("branch_timeout", frozenset({408})),
    "t_is_canceled": ("cancelled", frozenset({487})),
    "t_was_cancelled": ("cancelled", frozenset({487})),
}
_TEST_CALLS = frozenset({*_CALL_TESTS, "t_check_status"})
_CODE3 = re.compile(r"\d{3}")
_VARIABLE = re.compile(r"\$[\w(<{]")


class Test:
    """One status test as found in the tree (offsets relative to the parsed chunk)."""

    __slots__ = ("kind", "start", "end", "pattern", "admits", "named", "var", "codes", "regex")

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        pattern: str,
        admits: frozenset[int],
        named: frozenset[int] | None,
        var: Var | None = None,
        codes: tuple[WrittenCode, ...] = (),
        regex: tuple[int, int] | None = None,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.pattern = pattern
        self.admits = admits
        self.named = named
        self.var = var  # the status variable compared, when it is one ($rs, $T_reply_code)
        self.codes = codes  # the codes written literally in the test
        self.regex = regex  # where a regex is written, inside its quotes


def has_variable(s: str) -> bool:
    """`s` interpolates a pseudo-variable ($x, $(x), $<x>, ${x}): its value is unknown here."""
    return "$" in s and _VARIABLE.search(s) is not None


def status_var(node: Node | None) -> bool:
    if isinstance(node, Var):
        return node.text.replace(" ", "") in STATUS_VARS
    return isinstance(node, Name) and node.text == "status"


def status_test(node: Node | None, text: str) -> Test | None:
    """The status test `node` is, or None (unknown conditions do not narrow).

    Kept on the node: parses are cached per chunk, so the fact collector, the
    flow walk and every later analysis of an unchanged chunk share one answer.
    """
    if isinstance(node, Call):
        return call_test(node, text)
    if isinstance(node, Binary):
        return comparison_test(node, text)
    return None


def call_test(call: Call, text: str) -> Test | None:
    """The status test a call is: t_check_status(), t_branch_timeout() ... or None."""
    if call.name not in _TEST_CALLS:
        return None
    if call.test is UNSEEN:
        call.test = _call_test(call, text)
    return call.test


def comparison_test(node: Binary, text: str) -> Test | None:
    """The status test a comparison is (`$T_reply_code == 486`, `$rs =~ "^6"`), or None."""
    if node.op not in _FLIP:
        return None
    if node.test is UNSEEN:
        node.test = _comparison_test(node, text)
    return node.test


def _call_test(call: Call, text: str) -> Test | None:
    if call.name in _CALL_TESTS:
        kind, admits = _CALL_TESTS[call.name]
        return Test(kind, call.start, call.end, text[call.start : call.end], admits, None)
    if call.name == "t_check_status" and call.args and isinstance(call.args[0], Lit):
        return _regex_test("t_check_status", call.args[0], text, negate=False)
    return None


def _comparison_test(node: Binary, text: str) -> Test | None:
    left, right, op = node.left, node.right, node.op
    if status_var(right) and not status_var(left):
        left, right, op = right, left, _FLIP[op]
    if not status_var(left):
        return None
    value = _literal(right)
    if value is None:
        return None
    var = left if isinstance(left, Var) else None
    if op in ("=~", "!~"):
        if not isinstance(right, Lit):
            return None
        # the span covers the comparison; `pattern` stays the regex
        return _regex_test("compare", right, text, negate=op == "!~", where=node, var=var)
    codes: tuple[WrittenCode, ...] = ()
    try:
        n = int(value.strip())
    except ValueError:
        admits: frozenset[int] = frozenset()
    else:
        admits = _numeric_admits(op, n)
        if op in ("==", "!=") and isinstance(right, Lit) and _CODE3.fullmatch(value):
            codes = (WrittenCode(value, right.inner_start, right.inner_end),)
    return Test("compare", node.start, node.end, text[node.start : node.end], admits, None, var, codes)


@lru_cache(maxsize=1024)
def _numeric_admits(op: str, n: int) -> frozenset[int]:
    """The codes `code <op> n` admits; one shared set per comparison written."""
    fn = _NUMERIC[op]
    return frozenset(c for c in _CODES if fn(c, n))


def case_test(value: Node | None, text: str) -> Test | None:
    """`case 486:` under `switch ($T_reply_code)`: a test admitting that one code."""
    v = _literal(value)
    if v is None or value is None:
        return None
    try:
        n = int(v.strip())
    except ValueError:
        return Test("compare", value.start, value.end, text[value.start : value.end], frozenset(), None)
    codes = (
        (WrittenCode(v, value.inner_start, value.inner_end),)
        if isinstance(value, Lit) and _CODE3.fullmatch(v)
        else ()
    )
    admits = frozenset({n}) & ALL_CODES
    return Test("compare", value.start, value.end, text[value.start : value.end], admits, None, None, codes)


def _literal(node: Node | None) -> str | None:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Lit):
        return "-" + node.operand.value
    return None


def _regex_test(
    kind: str, lit: Lit, text: str, negate: bool, where: Node | None = None, var: Var | None = None
) -> Test | None:
    """The test of the regex in `lit`, spanning `where` (the literal's inside when None)."""
    pattern = lit.value
    if has_variable(pattern):
        return None  # a pattern built from variables: unknown at analysis time
    admits = status_regex.admits(pattern)
    named = status_regex.named(pattern)
    if admits is None:  # does not compile: the engine rejects it, nothing matches
        admits, named = frozenset(), frozenset()
    elif negate:
        admits = ALL_CODES - admits
        named = None
    raw = text[lit.inner_start : lit.inner_end]
    offsets = value_offsets(raw) if lit.raw[:1] == '"' else None
    codes = []
    for code, s, e in status_regex.literal_codes(pattern):
        if offsets is not None:
            if e > len(offsets):
                continue
            s, e = offsets[s], offsets[e - 1] + 1
        codes.append(WrittenCode(code, lit.inner_start + s, lit.inner_start + e))
    start, end = (where.start, where.end) if where is not None else (lit.inner_start, lit.inner_end)
    return Test(kind, start, end, raw, admits, named, var, tuple(codes), (lit.inner_start, lit.inner_end))
