"""Whom a Dial() calls: the dialled party told apart from the route to it (issue 13).

`PJSIP/${EXTEN}@carrier-a` and `PJSIP/${EXTEN}@carrier-b` dial the same party
through two trunks (a retry); `PJSIP/alice` and `PJSIP/bob` dial two people (a
hunt, a forward). Each device of a Dial's first argument gives a party key:
the number or extension it dials (`${EXTEN}` stands for the extension the step
sits in; `${ARGn}` for the current Gosub/Macro frame's argument, bound as the
walk enters and leaves calls), or the device itself when no number is given.
A variable the text cannot resolve makes the key unknown (None): no warning.
Channel-name formats: chan_pjsip, chan_sip, chan_iax2, chan_dahdi and core
Local channel documentation (Dial's `Technology/Resource`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sip_lsp.dialects.asterisk.parse import split_top
from sip_lsp.model import Outcome

_ARG = re.compile(r"\$\{ARG(\d+)\}", re.I)
_EXTEN = re.compile(r"\$\{EXTEN(?::[^}]*)?\}")
_VAR = re.compile(r"\$\{[^}]*\}|\$\[")

# Frame: the arguments of the Gosub/Macro frame the walk stands in; None is the frame the walk
# started in (its ${ARGn} stay symbols, the same in the Dial it started from and in the one reached).
Frame = tuple[str, ...] | None


def devices(args: str) -> list[str]:
    """The devices of a Dial's first argument (`A&B`), stripped."""
    first = split_top(args, ",")[0][1]
    return [d.strip() for d in first.split("&") if d.strip()]


def bind(text: str, exten: str, frame: Frame) -> str:
    """`text` with ${EXTEN} (of the extension `exten`) and ${ARGn} (of `frame`) put in.

    A pattern extension's ${EXTEN} stays a symbol: the number the caller dialled.
    """
    if "${" not in text:
        return text
    if not exten.startswith("_"):
        text = _EXTEN.sub(lambda m: exten if m.group(0) == "${EXTEN}" else m.group(0), text)
    if frame is not None:
        text = _ARG.sub(lambda m: _arg(frame, int(m.group(1))), text)
    return text


def _arg(frame: tuple[str, ...], n: int) -> str:
    return frame[n - 1] if 0 < n <= len(frame) else ""


def call_args(args: str, macro: bool) -> tuple[str, ...]:
    """The ${ARGn} values a call passes: `Gosub(c,e,p(a1,a2))`, `Macro(name,a1,a2)`."""
    if macro:
        return tuple(p.strip() for _, p in split_top(args, ",")[1:])
    last = split_top(args, ",")[-1][1]
    if "(" not in last:
        return ()
    inner = last.split("(", 1)[1]
    inner = inner[: inner.rfind(")")] if ")" in inner else inner
    return tuple(p.strip() for _, p in split_top(inner, ","))


def party(device: str) -> str | None:
    """The party one bound device string dials; None when a variable hides it."""
    tech, sep, rest = device.partition("/")
    tech = tech.strip().lower()
    if not sep:
        return _key(device) if "${" not in tech else None
    if tech == "local":
        return _key(rest.split("@", 1)[0])
    head, slash, tail = rest.partition("/")
    if tech == "pjsip":
        if "@" in head:  # PJSIP/number@endpoint
            return _key(head.split("@", 1)[0])
        if slash:  # PJSIP/endpoint/sip:number@host
            return _key(tail.removeprefix("sip:").removeprefix("sips:").split("@", 1)[0])
        return _key(head)  # an endpoint: the device is the party
    if slash:  # SIP/peer/number, IAX2/peer/exten@ctx, DAHDI/g1/number, ${TRUNK}/number
        return _key(tail.split("@", 1)[0])
    if "@" in head:  # SIP/number@peer; IAX2/user:secret@peer (a device)
        number, _, peer = head.partition("@")
        return _key(number if tech == "sip" else peer)
    return _key(head)  # a device, or a number after a variable technology (`${TRUNK}/${EXTEN}`)


def _key(word: str) -> str | None:
    word = word.strip()
    if not word:
        return None
    if _EXTEN.search(word):
        return "${EXTEN}"  # with a prefix or cut (`9${EXTEN}`, `${EXTEN:1}`): the same number
    if _VAR.search(_ARG.sub("", word)):
        return None  # a variable (or expression) the text does not bind
    return word.lower()


def parties(args: str, exten: str, frame: Frame) -> frozenset[str | None]:
    """The party keys of a Dial's devices, bound in extension `exten` and `frame`."""
    return frozenset(party(bind(d, exten, frame)) for d in devices(args))


def rebind(keys: frozenset[str | None], exten: str, frame: Frame) -> frozenset[str | None]:
    """Party keys of the frame a walk leaves, in the terms of the caller's (`frame`, its extension)."""
    return frozenset(_key(bind(k, exten, frame)) if k and "${arg" in k else k for k in keys)


def destination(origin: Iterable[str | None], reached: Iterable[str | None]) -> Outcome:
    """RETRY_SAME when a party dialled before is dialled again, NEW_PARTY when none is, else UNKNOWN."""
    before, after = set(origin), set(reached)
    if (before & after) - {None}:
        return Outcome.RETRY_SAME
    if None in before or None in after or not before or not after:
        return Outcome.UNKNOWN
    if any("${arg" in k for k in before | after if k):
        return Outcome.UNKNOWN  # an argument not bound here may hold the same number
    return Outcome.NEW_PARTY


def merged(found: Sequence[Outcome]) -> Outcome:
    """One destination for a Dial reached by several walks: a retry on any path is a retry."""
    for outcome in (Outcome.RETRY_SAME, Outcome.UNKNOWN):
        if outcome in found:
            return outcome
    return found[0] if found else Outcome.UNKNOWN
