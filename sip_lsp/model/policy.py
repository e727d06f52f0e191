"""Failover policies (`[policy]` in sip-lsp.toml): which codes may be retried, which must reach the caller.

Plain data: `config` reads the patterns the user wrote ("6xx", "487", "500-599",
"timeout") into `CodeSet`s; SC401 (rules/policy.py) judges each outcome table
against them.
"""

from __future__ import annotations

from typing import Final

from sip_lsp.model.outcome import Local
from sip_lsp.model.value import Value


class CodeSet(Value):
    """The codes and local cases a list of patterns names, and the patterns as written."""

    __slots__ = ("codes", "local", "patterns")

    def __init__(self, codes: frozenset[int], local: frozenset[Local], patterns: tuple[str, ...]) -> None:
        self.codes: Final = codes
        self.local: Final = local
        self.patterns: Final = patterns  # shown in messages: the user's own words

    def holds(
        self, codes: frozenset[int], local: frozenset[Local]
    ) -> tuple[frozenset[int], frozenset[Local]]:
        """The part of (codes, local) this set names."""
        return codes & self.codes, local & self.local

    def lacks(
        self, codes: frozenset[int], local: frozenset[Local]
    ) -> tuple[frozenset[int], frozenset[Local]]:
        """The part of (codes, local) this set does not name."""
        return codes - self.codes, local - self.local


class Policy(Value):
    """The three policy keys; None: the key is not set (nothing to judge)."""

    __slots__ = ("never_retry", "retry_only", "must_reach_caller")

    def __init__(
        self,
        never_retry: CodeSet | None = None,  # no row with these may be retry-same
        retry_only: CodeSet | None = None,  # only these may be retry-same
        must_reach_caller: CodeSet | None = None,  # these must be forwarded (or replied as themselves)
    ) -> None:
        self.never_retry: Final = never_retry
        self.retry_only: Final = retry_only
        self.must_reach_caller: Final = must_reach_caller

    def __bool__(self) -> bool:
        """Whether any key is set: asked once per outcome table on every lint."""
        return (
            self.never_retry is not None or self.retry_only is not None or self.must_reach_caller is not None
        )

    def over(self, base: Policy) -> Policy:
        """These keys where set, `base`'s elsewhere (editor settings over sip-lsp.toml)."""
        return Policy(
            self.never_retry if self.never_retry is not None else base.never_retry,
            self.retry_only if self.retry_only is not None else base.retry_only,
            self.must_reach_caller if self.must_reach_caller is not None else base.must_reach_caller,
        )


NO_POLICY: Final = Policy()
