"""SC313's paths: a Hangup() reached on a channel that was never answered.

Hangup() with no cause sets 16 when the channel has none (main/pbx_builtins.c
pbx_builtin_hangup): before any Dial (an unknown DID) or after a Dial with a
timeout (NOANSWER copies no cause), chan_pjsip's hangup_cause2sip has no entry
for 16 and ast_sip_session_terminate sends 603 (docs/engine-semantics.md 3.3).
Hangup(N) with a cause that has no entry does the same on any path.

Two passes. `straight_run` reads one extension from its first priority up to
the first step that answers, branches or ends it: a local fact, cached with its
context. Where that run stops at a Goto, GotoIf, Gosub or GosubIf still
unanswered, `walk` follows the explicit targets through the file's contexts
(the flow's Index, `target`, `branch_specs`: the same lookups as the failover
walks and SC310) and Return back to the Gosub, and reports each Hangup() it
reaches unanswered on some path. A path that answers first (Answer, Playback,
Voicemail ...) stops there, so a Hangup() after Answer() on every path is never
reported.
"""

from __future__ import annotations

from typing import NamedTuple

from sip_lsp.dialects.asterisk.engine import Tables, hangup_cause
from sip_lsp.dialects.asterisk.flow import (
    Index,
    Status,
    Tagged,
    branch_specs,
    find_tests,
    narrow,
    status_map,
    target,
)
from sip_lsp.dialects.asterisk.outcomes import TIMEOUT
from sip_lsp.dialects.asterisk.parse import Ext, Step, split_top
from sip_lsp.model import CauseSite, Span

# Applications that answer the channel (Playback and Background answer an unanswered
# channel unless told not to), and the special extensions that run after an answer or a hangup.
ANSWERING = frozenset(
    {"answer", "playback", "background", "voicemail", "voicemailmain", "read", "record", "confbridge"}
    | {"meetme", "queue", "directory", "minivmgreet", "minivmrecord", "followme", "agi", "eagi"}
)
_FOLLOWED = frozenset({"goto", "gotoif", "gosub", "gosubif"})
_BRANCHING = _FOLLOWED | {"execif", "macro", "while", "return"}  # the straight run stops here
_ENDS = frozenset({"busy", "congestion", "pjsiphangup", "macroexit"})
# `~~s~~`: an AEL macro's body (ael_steps.MACRO_EXTEN), like a macro- context its caller may have answered.
_SPECIAL = frozenset({"h", "i", "t", "T", "e", "a", "o", "s-busy", "~~s~~"})
# The contexts of SC313 cause sites (rules/causes.py reads them): no cause yet, or after a Dial timeout.
UNANSWERED, AFTER_TIMEOUT = "Hangup:unanswered", "Hangup:after-timeout"
_MAX_STEPS = 2000  # per walk: a dialplan of Goto loops ends here
_MAX_DEPTH = 8  # nested Gosub frames followed


class Start(NamedTuple):
    """Where an entry extension's straight run stopped at a jump, still unanswered."""

    ext: Ext
    at: int  # the jump's index in ext.steps
    timed: bool  # a Dial() with a timeout ran before it (the channel holds no cause)


class Run(NamedTuple):
    """What the straight run of one extension found: a site, a jump to follow, or neither."""

    site: CauseSite | None
    start: Start | None


def entry(context: str, name: str, t: Tables) -> bool:
    """Whether an extension may run on a call that dialled nothing yet (SC313 judges only those).

    Not a macro (its caller may have answered), a special extension, or a DIALSTATUS handler
    (`s-BUSY`, `_s-.`: reached after a Dial, with the callee's cause on the channel).
    """
    if context.startswith("macro-") or name in _SPECIAL:
        return False
    if name.startswith("_") and name[-2:] in ("-.", "-!"):
        return False
    return name.rsplit("-", 1)[-1].upper() not in t.status_codes if "-" in name else True


def straight_run(ext: Ext, t: Tables) -> Run:
    """The SC313 site on `ext`'s straight path from its first priority, or where it jumps."""
    timed = False
    for i, step in enumerate(ext.steps):
        name = step.name
        if name in _FOLLOWED and step.span.path is None:
            return Run(None, Start(ext, i, timed))
        if name in ANSWERING or name in _BRANCHING or step.span.path is not None or name in _ENDS:
            break
        if name == "dial":
            timed = _timed(step)
            if not timed:
                break  # no timeout: the channel holds the callee's cause when Dial returns
        elif name == "hangup":
            return Run(hangup_site(step, timed, t), None)
    return Run(None, None)


def hangup_site(step: Step, timed: bool, t: Tables) -> CauseSite | None:
    """The SC313 site of a Hangup() reached unanswered (after a timed Dial when `timed`), if it sends 603."""
    arg = split_top(step.args, ",")[0][1].strip()
    cause = hangup_cause(t, arg) if arg and "${" not in arg else None
    found = t.engine.cause(cause) if cause else None
    if arg and (found is None or found.to_sip):
        return None  # a cause chan_pjsip maps, a variable, or an unknown token (SC309)
    span = Span(step.span.start, step.span.start + len(step.app))
    where = AFTER_TIMEOUT if timed and not arg else UNANSWERED
    return CauseSite(span, "asterisk", arg, cause or "NORMAL_CLEARING", where, frozenset())


def _timed(step: Step) -> bool:
    fields = split_top(step.args, ",")
    return len(fields) > 1 and fields[1][1].strip() not in ("", "0")


# What the channel holds on a path: no cause yet (nothing dialled), maybe none after a timed
# Dial (NOANSWER), or the callee's cause (a failed Dial, which Hangup() maps back: no 603).
NO_CAUSE, TIMED, HELD = 0, 1, 2
# Where a walk stands: the extension, the step, the cause state, and where each Gosub on the
# way returns to.
_At = tuple[Ext, int, int, tuple[tuple[Ext, int], ...]]


class _Guide(NamedTuple):
    """What a walk consults: the contexts, the tables, and DIALSTATUS/HANGUPCAUSE -> codes."""

    lookup: Index
    tables: Tables
    status: Status
    causes: dict[str, frozenset[int]]


def walk(
    starts: list[Start], index: Index, t: Tables, causes: dict[str, frozenset[int]]
) -> list[tuple[Tagged, CauseSite]]:
    """The Hangup() sites the jumps of `starts` reach unanswered, each once, tagged with its context.

    A Hangup() that an entry extension's own straight run reaches is left to that
    run (a local fact): it is reported there, once. `causes` is the flow's
    HANGUPCAUSE number -> codes map (Flow.causes).
    """
    found: dict[int, tuple[Tagged, CauseSite]] = {}
    guide = _Guide(index, t, _status(t), causes)
    for start in starts:
        first = start.ext.steps[0] if start.ext.steps else None
        if first is None or index.callers_of((first.context, start.ext.name)):
            continue  # a subroutine: its callers' walks reach it
        _walk(start, guide, found)
    return list(found.values())


# One Status per Tables (a pure memo keyed by the tables object, kept alive with it): its
# unions are what narrow() costs, and every piece's walks ask the same ones.
_STATUS: dict[int, tuple[Tables, Status]] = {}


def _status(t: Tables) -> Status:
    found = _STATUS.get(id(t))
    if found is None or found[0] is not t:
        if len(_STATUS) > 8:
            _STATUS.clear()
        _SPLITS.clear()  # keyed by the Status's id
        found = _STATUS[id(t)] = (t, Status(status_map(t, False), t.failed))
    return found[1]


# A condition's split of a timed Dial's NOANSWER, by Status and the step's arguments: the same
# GotoIf recurs from route to route (a pure memo of its whole input).
_SPLITS: dict[tuple[int, str], tuple[int, int]] = {}


def _walk(start: Start, guide: _Guide, found: dict[int, tuple[Tagged, CauseSite]]) -> None:
    index, t = guide.lookup, guide.tables
    work: list[_At] = [(start.ext, start.at, TIMED if start.timed else NO_CAUSE, ())]
    seen: set[_At] = set()  # Ext hashes by identity (eq=False)
    steps = 0
    while work and steps < _MAX_STEPS:
        at = work.pop()
        ext, i, cause, stack = at
        if at in seen or i >= len(ext.steps):
            continue
        seen.add(at)
        steps += 1
        step = ext.steps[i]
        name = step.name
        if step.span.path is not None or name in ANSWERING or name in _ENDS:
            continue
        if name == "dial":
            work.append((ext, i + 1, TIMED if _timed(step) else HELD, stack))
        elif name == "hangup":
            site = hangup_site(step, cause == TIMED, t)
            if site is not None and cause == HELD and not site.token:
                site = None  # Hangup() re-sends the callee's cause, mapped back
            if site is not None and id(step) not in found and not _local(ext, step, index, t):
                found[id(step)] = (Tagged(step.context, step.span), site)
        elif name in _FOLLOWED:
            work += _jump(step, at, guide)
        elif name == "return":
            if stack:
                back, k = stack[-1]
                work.append((back, k, cause, stack[:-1]))
        elif name not in _BRANCHING:
            work.append((ext, i + 1, cause, stack))


def _jump(step: Step, at: _At, guide: _Guide) -> list[_At]:
    """Where a Goto/GotoIf/Gosub/GosubIf goes: each explicit target (an empty branch: the next step)."""
    ext, i, cause, stack = at
    name = step.name
    if name in ("goto", "gosub"):
        specs = [(step.args, cause)]
    else:
        parts = branch_specs(step.args)
        if parts is None:
            return [(ext, i + 1, cause, stack)]
        specs = list(zip(parts[1:], _branches(step, parts[0], cause, guide)))
    calls = name in ("gosub", "gosubif")
    if calls and len(stack) >= _MAX_DEPTH:
        return []
    inner = stack + ((ext, i + 1),) if calls else stack
    index = guide.lookup
    out: list[_At] = []
    for spec, state in specs:
        if not spec.strip():
            out.append((ext, i + 1, state, stack))
            continue
        dest = target(step, spec)
        if dest is None or "${" in "".join(dest):
            continue
        to = index.find_ext(dest[0], dest[1])
        k = _priority(to, dest[2]) if to is not None else None
        if to is not None and k is not None:
            out.append((to, k, state, inner))
    return out


def _branches(step: Step, cond: str, cause: int, guide: _Guide) -> tuple[int, int]:
    """The cause state on the (true, false) branches: a DIALSTATUS test may send NOANSWER one way only."""
    if cause != TIMED:
        return cause, cause
    key = (id(guide.status), step.args)
    found = _SPLITS.get(key)
    if found is None:
        if len(_SPLITS) > 4096:
            _SPLITS.clear()
        tests = [x for x in find_tests(step) if x.span.start - step.args_start < len(cond)]
        split = narrow(guide.status, guide.causes, tests, cond, frozenset({TIMEOUT}))
        if split is None:
            found = (cause, cause)
        else:
            found = (TIMED if TIMEOUT in split[0] else HELD), (TIMED if TIMEOUT in split[1] else HELD)
        _SPLITS[key] = found
    return found


def _priority(ext: Ext, prio: str) -> int | None:
    """The index of priority `prio` (a number or a label) in `ext`."""
    number = int(prio) if prio.isdigit() else None
    return next((k for k, s in enumerate(ext.steps) if s.prio == number or s.label == prio), None)


def _local(ext: Ext, step: Step, index: Index, t: Tables) -> bool:
    """Whether `step` is the Hangup() the straight run of its own (entry) extension reports."""
    if not ext.steps or not entry(ext.steps[0].context, ext.name, t):
        return False
    run = straight_run(ext, t)
    return run.site is not None and run.site.span.start == step.span.start
