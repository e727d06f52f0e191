"""What the first step of a dialect's simulation says: the status walked in (issue 14 item 2)."""

from __future__ import annotations

from sip_lsp.model import Local


def entered(code: int | None, local: Local | None, note: str = "") -> tuple[tuple[str, str], ...]:
    """The ENTER step's status values: `status` (a code), `local` (its case) and a `note` heading key.

    A local case walked without a code has no `status`: Dial()'s or an originate's own timer,
    or the caller hanging up, reaches the dialplan as no response at all, not as a 408 or 487
    (the step reads "enters with timeout", as the JSON's `status` is null).
    """
    values: tuple[tuple[str, str], ...] = (("status", str(code)),) if code is not None else ()
    values += (("local", local.value),) if local is not None else ()
    return values + ((("note", note),) if note else ())
