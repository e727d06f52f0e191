"""What the first step of a dialect's simulation says: the status walked in (issue 14 item 2)."""

from __future__ import annotations

from sip_lsp.model import Local

# The code a local case stands for where one is shown (the CLI's title says the same).
LOCAL_CODE = {Local.TIMEOUT: 408, Local.CANCELLED: 487}


def entered(code: int | None, local: Local | None, note: str = "") -> tuple[tuple[str, str], ...]:
    """The ENTER step's status values: `status` (a code), `local` (its case) and a `note` heading key."""
    shown = code if code is not None else LOCAL_CODE.get(local) if local is not None else None
    values: tuple[tuple[str, str], ...] = (("status", str(shown)),) if shown is not None else ()
    values += (("local", local.value),) if local is not None else ()
    return values + ((("note", note),) if note else ())
