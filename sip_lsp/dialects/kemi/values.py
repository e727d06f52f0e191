"""What an expression of a KEMI script is: a status read, a test's 1/-1 result, a status test.

`Script` resolves calls to the script's own functions (`self.f()` to a method of
the same class, `f()` to a function), sees through thin wrappers (a function whose
body is `return <expr>`: `function tCheckStatus(re) return KSR.tm.t_check_status(re) end`)
and through a local assigned once (`local rc = KSR.pv.get("$T_reply_code")`).

A KSR test returns 1 or -1 (SR_KEMIP_INT), so a comparison of it is judged on
both values: `> 0` holds for 1 only (the test), `< 0` for -1 only (its negation),
and the bare call, or `~= 0`, for both: always true.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TypeVar

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.ksr import Ksr
from sip_lsp.dialects.ser import status_regex
from sip_lsp.dialects.ser.conditions import REQUEST_STATUS, STATUS_VARS, has_variable
from sip_lsp.model import ALL_CODES

NO_CODES: frozenset[int] = frozenset()
_MAX_INLINE = 4
OPS: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
# The codes a branch reaches when the picked branch got no reply: tm's local 408 on
# timeout, its 503 when the request could not be sent (catalog/engines/kamailio.yaml).
NO_REPLY_CODES = frozenset({408, 503})
CANCELLED, NOT_CANCELLED = frozenset({487}), ALL_CODES - {487}
TIMEOUT, NOT_TIMEOUT = frozenset({408}), ALL_CODES - {408}


# A parameter bound to an argument: the argument, the caller's function, the caller's own bindings.
Bindings = dict[str, tuple[ir.Node, "ir.Func | None", "Bindings | None"]]
# A 3-digit code written in a test, and where: ("486", start, end).
WrittenCode = tuple[str, int, int]
T = TypeVar("T")


class Result:
    """A KSR test's 1/-1 result: the codes for which it returns 1 (and -1 otherwise)."""

    __slots__ = ("kind", "function", "call", "admits", "otherwise", "named", "pattern", "codes", "text")

    def __init__(
        self,
        kind: str,
        function: str,
        call: ir.Call,
        admits: frozenset[int],
        otherwise: frozenset[int],
        named: frozenset[int] | None = None,
        pattern: tuple[int, int] | None = None,
        codes: tuple[WrittenCode, ...] = (),
        text: str = "",
    ) -> None:
        self.kind = kind  # t_check_status | cancelled | branch_timeout | branch_replied
        self.function = function  # the KSR name
        self.call = call  # the KSR call node
        self.admits = admits  # codes for which it returns 1
        self.otherwise = otherwise  # codes for which it returns -1
        self.named = named  # a regex's codes read anchored
        self.pattern = pattern  # (start, end) of the regex between its quotes, when written plainly
        self.codes = codes  # ((code, start, end), ...) written literally in the pattern
        self.text = text  # the pattern, or the call as written


class Read:
    """A read of the response status: `$T_reply_code` (a number), `$rs` or kx.get_status()."""

    __slots__ = ("request", "variable")

    def __init__(self, request: bool, variable: tuple[int, int] | None) -> None:
        self.request = request  # reads the current message: the request in a failure handler
        self.variable = variable  # where "$rs" is written, for SC308's fix


class Leaf:
    """A status test in a condition: the codes that make it true and those that make it false."""

    __slots__ = (
        "kind",
        "start",
        "end",
        "text",
        "when_true",
        "when_false",
        "named",
        "pattern",
        "codes",
        "read",
    )

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        text: str,
        when_true: frozenset[int],
        when_false: frozenset[int],
        named: frozenset[int] | None = None,
        pattern: tuple[int, int] | None = None,
        codes: tuple[WrittenCode, ...] = (),
        read: Read | None = None,
    ) -> None:
        self.kind = kind
        self.start, self.end = start, end
        self.text = text
        self.when_true = when_true
        self.when_false = when_false
        self.named = named
        self.pattern = pattern
        self.codes = codes
        self.read = read

    def moved(self, delta: int) -> Leaf:
        """This test where its piece moved by `delta`."""
        read = self.read
        if read is not None and read.variable is not None:
            read = Read(read.request, (read.variable[0] + delta, read.variable[1] + delta))
        pattern = self.pattern
        return Leaf(
            self.kind,
            self.start + delta,
            self.end + delta,
            self.text,
            self.when_true,
            self.when_false,
            self.named,
            None if pattern is None else (pattern[0] + delta, pattern[1] + delta),
            tuple((c, s + delta, e + delta) for c, s, e in self.codes),
            read,
        )


class Script:
    """The script's functions, resolved by name, and how to read its expressions."""

    def __init__(self, module: ir.Module, ksr: Ksr, text: str) -> None:
        self.module, self.ksr, self.text = module, ksr, text
        self.language = module.language
        self.functions: dict[str, list[ir.Func]] = {}
        self.methods: dict[tuple[str, str], ir.Func] = {}
        for f in module.funcs:
            if f.owner is not None:
                self.methods.setdefault((f.owner, f.name), f)
            self.functions.setdefault(f.name, []).append(f)
        self._aliases: dict[int, dict[str, ir.Node]] = {}
        # test() of a node as written (no parameter bindings): the facts walk and every
        # flow walk through the same condition ask for it.
        self._tests: dict[int, Leaf | None] = {}

    # -- resolution ------------------------------------------------------------
    def resolve(self, call: ir.Call, func: ir.Func | None) -> ir.Func | None:
        """The script's function a call runs, or None (KSR, library, unknown)."""
        name = call.callee
        if not name or name.startswith("KSR."):
            return None
        if name.startswith("self.") and func is not None and func.owner is not None:
            return self.methods.get((func.owner, name[5:]))
        for f in self.functions.get(name, ()):
            if f.owner is None:
                return f
        return None

    def handlers(self, name: str) -> list[ir.Func]:
        """Functions or methods a handler name (`t_on_failure("name")`) runs: the exact name only."""
        return list(self.functions.get(name, ()))

    def aliases(self, func: ir.Func | None) -> dict[str, ir.Node]:
        """Names assigned exactly once in `func` (or at the top level), with the value assigned."""
        key = id(func)
        found = self._aliases.get(key)
        if found is None:
            counts: dict[str, int] = {}
            values: dict[str, ir.Node] = {}
            stack = list(func.body if func is not None else self.module.toplevel)
            while stack:
                st = stack.pop()
                if isinstance(st, ir.Assign):
                    for n in st.names:
                        counts[n] = counts.get(n, 0) + 1
                        if st.value is not None and len(st.names) == 1:
                            values[n] = st.value
                elif isinstance(st, ir.If):
                    stack += st.then + (st.orelse or [])
                elif isinstance(st, (ir.Loop, ir.Block)):
                    stack += st.body
                elif isinstance(st, ir.Branches):
                    for b in st.bodies:
                        stack += b
            found = self._aliases[key] = {n: v for n, v in values.items() if counts.get(n) == 1}
        return found

    def wrapped(
        self, call: ir.Call, func: ir.Func | None, env: Bindings | None
    ) -> tuple[ir.Node, ir.Func, Bindings] | None:
        """For a call of a thin wrapper: (its returned expression, the wrapper, its parameters bound)."""
        target = self.resolve(call, func)
        if target is None or len(target.body) != 1:
            return None
        only = target.body[0]
        if not isinstance(only, ir.Return) or only.value is None:
            return None
        return only.value, target, {k: (v, func, env) for k, v in zip(target.params, call.args)}

    # -- reading expressions ---------------------------------------------------
    def read(
        self, node: ir.Node, func: ir.Func | None, env: Bindings | None = None, depth: int = 0
    ) -> Read | None:
        """The status read `node` is (through wrappers and single assignments), or None."""
        if depth > _MAX_INLINE:
            return None
        if isinstance(node, ir.Name):
            return self._through_name(node, func, env, depth, self.read)
        if not isinstance(node, ir.Call):
            return None
        ksr = self.ksr
        name = node.callee
        if ksr.has("status_read", name) and node.args:
            arg = node.args[0]
            if not isinstance(arg, ir.Str):
                return None
            var = arg.value.replace(" ", "")
            if var not in STATUS_VARS:
                return None
            request = var == REQUEST_STATUS
            return Read(request, (arg.inner_start, arg.inner_end) if request and arg.raw else None)
        if ksr.has("request_status", name):
            return Read(True, None)
        inner = self.wrapped(node, func, env)
        if inner is not None:
            value, target, params = inner
            return self.read(value, target, params, depth + 1)
        return None

    def result(
        self, node: ir.Node, func: ir.Func | None, env: Bindings | None = None, depth: int = 0
    ) -> Result | None:
        """The KSR test whose 1/-1 result `node` is, or None."""
        if depth > _MAX_INLINE:
            return None
        if isinstance(node, ir.Name):
            return self._through_name(node, func, env, depth, self.result)
        if not isinstance(node, ir.Call):
            return None
        name = node.callee or ""
        role = self.ksr.role(name)
        if role == "status_regex":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ir.Name) and env and arg.id in env:
                bound, _, bound_env = env[arg.id]
                arg = _literal(bound, bound_env)
            if not isinstance(arg, ir.Str) or has_variable(arg.value):
                return None
            return _regex_result(name, node, arg)
        if role == "cancelled":
            return Result("cancelled", name, node, CANCELLED, NOT_CANCELLED, text=self._text(node))
        if role == "branch_timeout":
            return Result("branch_timeout", name, node, TIMEOUT, NOT_TIMEOUT, text=self._text(node))
        if role == "branch_replied":
            return Result("branch_replied", name, node, ALL_CODES, NO_REPLY_CODES, text=self._text(node))
        inner = self.wrapped(node, func, env)
        if inner is not None:
            value, target, params = inner
            return self.result(value, target, params, depth + 1)
        return None

    def int_call(
        self, node: ir.Node, func: ir.Func | None, env: Bindings | None = None, depth: int = 0
    ) -> str | None:
        """The KSR function returning 1/-1 that `node` evaluates to (through wrappers and locals)."""
        if depth > _MAX_INLINE:
            return None
        if isinstance(node, ir.Name):
            return self._through_name(node, func, env, depth, self.int_call)
        if not isinstance(node, ir.Call):
            return None
        if node.callee and self.ksr.result_code(node.callee):
            return node.callee
        inner = self.wrapped(node, func, env)
        if inner is not None:
            value, target, params = inner
            return self.int_call(value, target, params, depth + 1)
        return None

    def _through_name(
        self,
        node: ir.Name,
        func: ir.Func | None,
        env: Bindings | None,
        depth: int,
        how: Callable[[ir.Node, ir.Func | None, Bindings | None, int], T | None],
    ) -> T | None:
        """`how` applied to what a name stands for: a bound parameter, or a local assigned once."""
        if env and node.id in env:
            bound, bound_func, bound_env = env[node.id]
            return how(bound, bound_func, bound_env, depth + 1)
        value = self.aliases(func).get(node.id)
        if value is None:
            return None
        return how(value, func, None, depth + 1)

    def _text(self, node: ir.Node) -> str:
        return self.text[node.start : node.end]

    # -- tests -----------------------------------------------------------------
    def test(
        self, node: ir.Node, func: ir.Func | None, env: Bindings | None = None, depth: int = 0
    ) -> Leaf | None:
        """The status test a condition is, or None; spans are those of `node` as written."""
        if env is None and depth == 0:
            key = id(node)
            if key in self._tests:
                return self._tests[key]
            found = self._tests[key] = self._test(node, func, None, 0)
            return found
        return self._test(node, func, env, depth)

    def _test(self, node: ir.Node, func: ir.Func | None, env: Bindings | None, depth: int) -> Leaf | None:
        if isinstance(node, ir.Compare):
            return self._compare(node, func, env, depth)
        if not isinstance(node, (ir.Call, ir.Name)):
            return None
        res = self.result(node, func, env, depth)
        if res is not None:  # the bare 1/-1 result: true either way (SC315)
            return self._leaf(node, res, ALL_CODES, NO_CODES, plain=False)
        if not isinstance(node, ir.Call) or depth >= _MAX_INLINE:
            return None
        inner = self.wrapped(node, func, env)
        if inner is None:
            return None
        # a wrapper returning a test: `return t_check_status(re) > 0`
        value, target, params = inner
        leaf = self.test(value, target, params, depth + 1)
        if leaf is not None:
            leaf.start, leaf.end, leaf.text = node.start, node.end, self._text(node)
            leaf.read = leaf.read if leaf.read is None else Read(leaf.read.request, None)
        return leaf

    def _compare(
        self, node: ir.Compare, func: ir.Func | None, env: Bindings | None, depth: int
    ) -> Leaf | None:
        left, right, op = node.left, node.right, node.op
        for a, b, o in ((left, right, op), (right, left, _FLIP.get(op, op))):
            read = self.read(a, func, env, depth)
            if read is not None:
                admits = self._admits(o, b, node.strict)
                if admits is None:
                    return None
                codes = tuple(_written_codes(b, self.text)) if o in ("==", "!=", "in", "not in") else ()
                text = self._text(node)
                return Leaf(
                    "compare", node.start, node.end, text, admits, _others(admits), codes=codes, read=read
                )
            if not isinstance(b, ir.Num):
                continue
            res = self.result(a, func, env, depth)
            if res is None:
                continue
            fn = OPS.get(o)
            if fn is None:
                return None
            on_one, on_minus = fn(1, b.value), fn(-1, b.value)
            if on_one and not on_minus:
                return self._leaf(node, res, res.admits, res.otherwise, plain=True)
            if on_minus and not on_one:
                return self._leaf(node, res, res.otherwise, res.admits, plain=False)
            always, never = (ALL_CODES, NO_CODES) if on_one else (NO_CODES, ALL_CODES)
            return self._leaf(node, res, always, never, plain=False)
        return None

    def _leaf(
        self, node: ir.Node, res: Result, when_true: frozenset[int], when_false: frozenset[int], plain: bool
    ) -> Leaf:
        """A test of `res`'s result; `plain` when true exactly where the KSR test returns 1."""
        regex = res.kind == "t_check_status"
        span = (res.pattern if regex else None) or (node.start, node.end)
        if regex and not plain:  # a negated or constant regex test: its span is the whole condition
            span = (node.start, node.end)
        return Leaf(
            res.kind,
            span[0],
            span[1],
            res.text if regex and plain else self._text(node),
            when_true,
            when_false,
            res.named if plain else None,
            res.pattern if plain else None,
            res.codes,
        )

    def _admits(self, op: str, value: ir.Node, strict: bool) -> frozenset[int] | None:
        """The codes `status <op> value` admits, as the script's language compares a number."""
        if isinstance(value, ir.Num):
            return _numeric(op, value.value)
        if isinstance(value, ir.Str):
            if self.language == "javascript" and not strict:
                try:  # loose comparison: the string becomes a number
                    number = float(value.value.strip()) if value.value.strip() else 0.0
                except ValueError:
                    return ALL_CODES if op == "!=" else NO_CODES
                return _numeric(op, number)
            # Python, Lua and ===: a number never equals a string (ordering raises an error)
            return ALL_CODES if op == "!=" else NO_CODES
        if isinstance(value, ir.Seq) and op in ("in", "not in"):
            found = frozenset(
                int(i.value) for i in value.items if isinstance(i, ir.Num) and i.value == int(i.value)
            )
            admits = found & ALL_CODES
            return admits if op == "in" else _others(admits)
        return None


def _literal(node: ir.Node, env: Bindings | None) -> ir.Node:
    """A parameter's bound value, followed through the callers' parameters."""
    depth = 0
    while isinstance(node, ir.Name) and env and node.id in env and depth < _MAX_INLINE:
        node, _, env = env[node.id]
        depth += 1
    return node


@lru_cache(maxsize=1024)
def _regex_sets(pattern: str) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """(codes it admits, the rest, codes named) for a t_check_status pattern."""
    admits = status_regex.admits(pattern)
    named = status_regex.named(pattern)
    if admits is None:  # does not compile: tm logs an error and the test fails
        return NO_CODES, ALL_CODES, NO_CODES
    return admits, ALL_CODES - admits, named or NO_CODES


def _regex_result(name: str, call: ir.Call, arg: ir.Str) -> Result:
    pattern = arg.value
    admits, otherwise, named = _regex_sets(pattern)
    codes: tuple[WrittenCode, ...] = ()
    if arg.raw:
        base = arg.inner_start
        codes = tuple((c, base + s, base + e) for c, s, e in status_regex.literal_codes(pattern))
    span = (arg.inner_start, arg.inner_end) if arg.raw else None
    return Result("t_check_status", name, call, admits, otherwise, named, span, codes, pattern)


@lru_cache(maxsize=512)
def _others(admits: frozenset[int]) -> frozenset[int]:
    """The codes a test does not admit, one set per test's codes (the walks remember their algebra)."""
    return ALL_CODES - admits


@lru_cache(maxsize=512)
def _numeric(op: str, n: float) -> frozenset[int] | None:
    fn = OPS.get(op)
    if fn is None:
        return None
    return frozenset(c for c in ALL_CODES if fn(c, n))


def _written_codes(node: ir.Node, text: str) -> Iterator[WrittenCode]:
    """3-digit codes written as literals on the other side of a comparison (for hover)."""
    items = node.items if isinstance(node, ir.Seq) else [node]
    for item in items:
        written = text[item.start : item.end]
        if isinstance(item, ir.Num) and len(written) == 3 and written.isdigit():
            yield written, item.start, item.end
        elif isinstance(item, ir.Str) and item.raw and len(item.value) == 3 and item.value.isdigit():
            yield item.value, item.inner_start, item.inner_end
