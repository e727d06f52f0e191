"""AEL (extensions.ael) compiled to the extensions.conf model: contexts, extensions, priorities.

Asterisk's pbx_ael (res/ael/pval.c `gen_prios`) turns each AEL extension into
numbered priorities: an application call is one priority; `if` a GotoIf over
labelled branches; `switch` a test per case, falling through until `break`;
`while`/`for` a GotoIf loop; `goto`/`jump` Goto; a `macro NAME(args)` the
context NAME with the extension `~~s~~`, called by `&NAME(args)` as
`Gosub(NAME,~~s~~,1(args))` (pval.c `PV_MACRO`, `PV_MACRO_CALL`); `return`
Return; labels a NoOp with that label; `catch x {}` an extension x.
Read at asterisk/asterisk@f0c1c1a7b79b res/ael/pval.c.
This module does the same for the statements the outcome model reads, so the
flow's walks (asterisk/flow.py) and Dial outcome tables run on AEL unchanged.
Steps keep the offsets of the AEL text: an application step spans `App(args)`,
a test the condition it tests. Tolerant: an unknown statement is skipped to
its `;`, an unclosed block ends at the text's end; never raises.
"""

from __future__ import annotations

import re

from sip_lsp.dialects.asterisk.flow import Test
from sip_lsp.dialects.asterisk.parse import Ctx, Ext, Step
from sip_lsp.model import Span

_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_LABEL = re.compile(r"([\w-]+)\s*:(?!:)")
_ASSIGN = re.compile(r"(?:local\s+)?([\w.()-]+)\s*=(?!=)")
_CASE_TEST = re.compile(r"\s*\$\{(DIALSTATUS|HANGUPCAUSE)\}\s*$")
_SKIPPED_ITEMS = frozenset({"switches", "eswitches", "ignorepat"})
_MODIFIERS = re.compile(r"^(?:regexten\s+|hint\s*\([^)]*\)\s*)+")
_MAX_STEPS = 20_000  # per file: a generated monster stops growing here
MACRO_EXTEN = "~~s~~"  # the extension pbx_ael gives a macro's body


class _Ext:
    """An extension being compiled: its steps, labels waiting for a step, break/continue targets."""

    __slots__ = ("ctx", "ext", "loops")

    def __init__(self, ctx: str, ext: Ext) -> None:
        self.ctx, self.ext = ctx, ext
        self.loops: list[tuple[str, str | None]] = []  # (break label, continue label)


class Compiler:
    """One AEL text -> `contexts` (name -> Ctx), as asterisk/parse.py builds them for extensions.conf."""

    def __init__(self, text: str, clean: str) -> None:
        self.text, self.clean = text, clean  # `clean`: comments blanked, same offsets
        self.contexts: dict[str, Ctx] = {}
        self.steps = 0
        self._labels = 0

    # ------------------------------------------------------------ scanning

    def _ws(self, i: int, end: int) -> int:
        s = self.clean
        while i < end and s[i].isspace():
            i += 1
        return i

    def _close(self, i: int, end: int) -> int:
        """The index of the bracket closing the one at `i` (quotes respected); `end` when unclosed."""
        s = self.clean
        pairs = {"(": ")", "{": "}", "[": "]"}
        stack: list[str] = []
        k = i
        while k < end:
            ch = s[k]
            if ch == '"':
                q = s.find('"', k + 1, end)
                k = end if q < 0 else q + 1
                continue
            if ch in pairs:
                stack.append(pairs[ch])
            elif stack and ch == stack[-1]:
                stack.pop()
                if not stack:
                    return k
            k += 1
        return end

    def _semicolon(self, i: int, end: int) -> int:
        """The `;` ending the statement at `i` (outside brackets and quotes), or `end`."""
        s = self.clean
        k = i
        while k < end:
            ch = s[k]
            if ch == ";":
                return k
            if ch in "({[":
                k = self._close(k, end) + 1
                continue
            if ch == '"':
                q = s.find('"', k + 1, end)
                k = end if q < 0 else q + 1
                continue
            if ch == "}":
                return k
            k += 1
        return end

    def _after(self, i: int, end: int) -> int:
        """Past an optional `;` after a block."""
        j = self._ws(i, end)
        return j + 1 if j < end and self.clean[j] == ";" else i

    # ------------------------------------------------------------ top level

    def compile(self) -> dict[str, Ctx]:
        s, end, i = self.clean, len(self.clean), 0
        while True:
            i = self._ws(i, end)
            if i >= end:
                break
            m = _IDENT.match(s, i)
            if m is None:
                i = self._semicolon(i, end) + 1
                continue
            word = m.group()
            j = m.end()
            while word in ("abstract", "extend"):
                m = _IDENT.match(s, self._ws(j, end))
                if m is None:
                    break
                word, j = m.group(), m.end()
            if word in ("context", "macro"):
                i = self._unit(word, j, end)
            else:  # globals { ... }, anything else: skipped
                brace = s.find("{", j, self._semicolon(j, end) + 1)
                i = (
                    self._after(self._close(brace, end) + 1, end)
                    if brace >= 0
                    else self._semicolon(j, end) + 1
                )
        return self.contexts

    def _unit(self, word: str, i: int, end: int) -> int:
        """`context NAME { ... }` or `macro NAME(args) { ... }`; returns where it ends."""
        s = self.clean
        j = self._ws(i, end)
        m = re.compile(r"[^\s({;]+").match(s, j)
        if m is None:
            return self._semicolon(i, end) + 1
        name, name_span = m.group(), Span(m.start(), m.end())
        brace = s.find("{", m.end(), end)
        if brace < 0:
            return end
        close = self._close(brace, end)
        if word == "macro":
            ctx = self._ctx(name, name_span, m.start(), close)
            ext = self._ext(ctx, MACRO_EXTEN, name_span)
            self._block(_Ext(ctx.name, ext), brace + 1, close)
        else:
            ctx = self._ctx(name, name_span, m.start(), close)
            self._context_body(ctx, brace + 1, close)
        return self._after(close + 1, end)

    def _ctx(self, name: str, name_span: Span, start: int, end: int) -> Ctx:
        ctx = self.contexts.get(name)
        if ctx is None:
            ctx = self.contexts[name] = Ctx(name, name_span, start, end)
        return ctx

    @staticmethod
    def _ext(ctx: Ctx, name: str, name_span: Span) -> Ext:
        ext = ctx.exts.get(name)
        if ext is None:
            ext = ctx.exts[name] = Ext(name, name_span)
        return ext

    def _context_body(self, ctx: Ctx, i: int, end: int) -> None:
        s = self.clean
        while True:
            i = self._ws(i, end)
            if i >= end:
                return
            m = _IDENT.match(s, i)
            word = m.group() if m else ""
            if word == "includes":
                brace = s.find("{", m.end() if m else i, end)
                close = self._close(brace, end) if brace >= 0 else end
                for part in s[brace + 1 : close].split(";") if brace >= 0 else ():
                    included = re.split(r"[|,]", part.strip(), maxsplit=1)[0].strip()
                    if included:
                        ctx.includes.append((included, Span(brace, brace)))
                i = self._after(close + 1, end)
                continue
            if word in _SKIPPED_ITEMS:
                stop = self._semicolon(i, end)
                brace = s.find("{", i, stop + 1)
                i = self._after(self._close(brace, end) + 1, end) if brace >= 0 else stop + 1
                continue
            arrow = s.find("=>", i, end)
            stop = self._semicolon(i, end)
            if arrow < 0 or arrow > stop:
                i = stop + 1
                continue
            raw = s[i:arrow]
            lead = _MODIFIERS.match(raw.strip())
            name = raw.strip()[lead.end() :] if lead else raw.strip()
            name = name.strip()
            at = i + raw.index(name) if name and name in raw else i
            ext = self._ext(ctx, name or "?", Span(at, at + len(name)))
            body = self._ws(arrow + 2, end)
            scope = _Ext(ctx.name, ext)
            if body < end and s[body] == "{":
                close = self._close(body, end)
                self._block(scope, body + 1, close)
                i = self._after(close + 1, end)
            else:
                i = max(self._statement(scope, body, end), body + 1) if body < end else end
            ext.end = max(ext.end, i)

    # ------------------------------------------------------------ statements

    def _block(self, scope: _Ext, i: int, end: int) -> None:
        while True:
            i = self._ws(i, end)
            if i >= end or self.steps > _MAX_STEPS:
                return
            i = max(self._statement(scope, i, end), i + 1)  # a stray `}` moves on too

    def _label(self, hint: str) -> str:
        self._labels += 1
        return f"~{hint}-{self._labels}~"

    def _emit(
        self,
        scope: _Ext,
        app: str,
        args: str,
        args_start: int,
        span: Span,
        label: str | None = None,
        tests: tuple[Test, ...] | None = None,
    ) -> None:
        steps = scope.ext.steps
        prio = len(steps) + 1
        steps.append(
            Step(scope.ctx, scope.ext.name, prio, label, app, app.lower(), args, args_start, span, tests)
        )
        self.steps += 1

    def _mark(self, scope: _Ext, label: str, at: int) -> None:
        """A label on the next priority: pbx_ael's NoOp carrying it."""
        self._emit(scope, "NoOp", "", at, Span(at, at), label)

    def _goto(self, scope: _Ext, label: str, at: int) -> None:
        self._emit(scope, "Goto", label, at, Span(at, at))

    def _statement(self, scope: _Ext, i: int, end: int) -> int:
        """Compile the statement at `i`; returns the index after it."""
        s = self.clean
        if s[i] == "{":
            close = self._close(i, end)
            self._block(scope, i + 1, close)
            return self._after(close + 1, end)
        if s[i] == "&":
            return self._macro_call(scope, i, end)
        m = _IDENT.match(s, i)
        word = m.group() if m else ""
        after = self._ws(m.end(), end) if m else i
        if word in ("if", "ifTime", "random") and after < end and s[after] == "(":
            return self._if(scope, word, i, after, end)
        if word == "switch" and after < end and s[after] == "(":
            return self._switch(scope, after, end)
        if word in ("while", "for") and after < end and s[after] == "(":
            return self._loop(scope, word, i, after, end)
        if word == "catch":
            return self._catch(scope, after, end)
        stop = self._semicolon(i, end)
        nxt = stop + 1 if stop < end and s[stop] == ";" else stop
        if word in ("goto", "jump"):
            spec = s[after:stop].strip()
            if word == "jump":
                ext, _, ctx = spec.partition("@")
                spec = f"{ctx.strip()},{ext.strip()},1" if ctx.strip() else f"{ext.strip()},1"
            else:
                spec = spec.replace("|", ",")
            self._emit(scope, "Goto", spec, after, Span(i, stop))
            return nxt
        if word == "return":
            self._emit(scope, "Return", "", after, Span(i, stop))
            return nxt
        if word in ("break", "continue"):
            if scope.loops:
                target = scope.loops[-1][0 if word == "break" else 1]
                if target is not None:
                    self._goto(scope, target, i)
            return nxt
        label = _LABEL.match(s, i)
        if label is not None and label.group(1) not in ("case", "default", "pattern"):
            self._mark(scope, label.group(1), i)
            return label.end()
        assign = _ASSIGN.match(s, i)
        if assign is not None and (m is None or s.find("(", i, assign.end()) < 0):
            start = assign.start(1)
            self._emit(scope, "Set", self.text[start:stop].strip(), start, Span(i, stop))
            return nxt
        if m is not None and after < end and s[after] == "(":
            close = self._close(after, end)
            self._emit(scope, word, self.text[after + 1 : close], after + 1, Span(i, min(close + 1, end)))
            return self._after(close + 1, end) if close < end else end
        return nxt

    def _macro_call(self, scope: _Ext, i: int, end: int) -> int:
        """`&name(args);` -> Gosub(name,~~s~~,1(args)) (the flow binds ${ARGn} from it)."""
        s = self.clean
        m = _IDENT.match(s, i + 1)
        stop = self._semicolon(i, end)
        if m is None:
            return stop + 1
        open_ = self._ws(m.end(), end)
        args = ""
        if open_ < end and s[open_] == "(":
            args = self.text[open_ + 1 : self._close(open_, end)]
        call = f"{m.group()},{MACRO_EXTEN},1" + (f"({args})" if args.strip() else "")
        self._emit(scope, "Gosub", call, i + 1, Span(i, stop))
        return stop + 1 if stop < end else end

    def _condition(self, i: int, end: int) -> tuple[str, int, int]:
        """`(cond)` at `i`: (its text, its start, the index after `)`)."""
        close = self._close(i, end)
        return self.text[i + 1 : close], i + 1, min(close + 1, end)

    def _if(self, scope: _Ext, word: str, at_word: int, i: int, end: int) -> int:
        cond, at, j = self._condition(i, end)
        yes, no, done = self._label("then"), self._label("else"), self._label("fi")
        if word != "if":  # ifTime(...) / random(...): a test the outcome model cannot read
            cond = "~" + word + "~"
        self._emit(scope, "GotoIf", f"{cond}?{yes}:{no}", at, Span(at_word, j))
        self._mark(scope, yes, j)
        j = self._statement(scope, self._ws(j, end), end) if self._ws(j, end) < end else end
        self._goto(scope, done, j)
        self._mark(scope, no, j)
        k = self._ws(j, end)
        m = _IDENT.match(self.clean, k)
        if m is not None and m.group() == "else":
            body = self._ws(m.end(), end)
            j = self._statement(scope, body, end) if body < end else end
        self._mark(scope, done, j)
        return j

    def _loop(self, scope: _Ext, word: str, at_word: int, i: int, end: int) -> int:
        header, at, j = self._condition(i, end)
        cond, cond_at = header, at
        step = ""
        if word == "for":
            parts = header.split(";")
            if len(parts) == 3:
                init = parts[0].strip()
                if init:
                    self._emit(scope, "Set", init, at, Span(at, at + len(parts[0])))
                cond_at = at + len(parts[0]) + 1
                cond, step = parts[1], parts[2].strip()
        top, body, out = self._label("loop"), self._label("body"), self._label("end")
        self._mark(scope, top, i)
        self._emit(scope, "GotoIf", f"{cond}?{body}:{out}", cond_at, Span(at_word, j))
        self._mark(scope, body, j)
        scope.loops.append((out, top))
        k = self._ws(j, end)
        j = self._statement(scope, k, end) if k < end else end
        scope.loops.pop()
        if step:
            self._emit(scope, "Set", step, at, Span(at, at))
        self._goto(scope, top, j)
        self._mark(scope, out, j)
        return j

    def _switch(self, scope: _Ext, i: int, end: int) -> int:
        """`switch (expr) { case V: ... }`: a GotoIf per case, then the cases in order (they fall through)."""
        s = self.clean
        expr, _, j = self._condition(i, end)
        brace = self._ws(j, end)
        if brace >= end or s[brace] != "{":
            return j
        close = self._close(brace, end)
        heads = list(re.finditer(r"\b(case|pattern)\s+([^:;]+?)\s*:|\bdefault\s*:", s[brace + 1 : close]))
        tested = _CASE_TEST.match(expr)
        labels = [self._label("case") for _ in heads]
        out = self._label("esac")
        default = None
        for head, label in zip(heads, labels):
            if head.group(1) is None:
                default = label
                continue
            value = head.group(2).strip()
            v_at = brace + 1 + head.start(2)
            span = Span(v_at, v_at + len(value))
            tests: tuple[Test, ...] | None = None
            cond = f"~{head.group(1)}~"
            if tested is not None and head.group(1) == "case":
                cond = f"${{{tested.group(1)}}}={value}"
                tests = (Test(tested.group(1), "=", value, span, span),)
            self._emit(scope, "GotoIf", f"{cond}?{label}:", v_at, span, tests=tests)
        self._goto(scope, default or out, brace)
        scope.loops.append((out, scope.loops[-1][1] if scope.loops else None))
        for n, (head, label) in enumerate(zip(heads, labels)):
            body_end = brace + 1 + heads[n + 1].start() if n + 1 < len(heads) else close
            self._mark(scope, label, brace + 1 + head.start())
            self._block(scope, brace + 1 + head.end(), body_end)
        scope.loops.pop()
        self._mark(scope, out, close)
        return self._after(close + 1, end)

    def _catch(self, scope: _Ext, i: int, end: int) -> int:
        """`catch x { ... }`: extension x of the same context (pbx_ael adds it beside the one it is in)."""
        s = self.clean
        m = re.compile(r"[^\s{;]+").match(s, i)
        brace = s.find("{", i, self._semicolon(i, end) + 1)
        if m is None or brace < 0:
            return self._semicolon(i, end) + 1
        close = self._close(brace, end)
        ctx = self.contexts.get(scope.ctx)
        if ctx is not None:
            ext = self._ext(ctx, m.group(), Span(m.start(), m.end()))
            self._block(_Ext(scope.ctx, ext), brace + 1, close)
        return self._after(close + 1, end)
