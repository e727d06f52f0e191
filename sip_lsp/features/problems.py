"""One problem per site: the failover rules that fire on one action, shown as one.

SC301-SC304 each judge one code group reaching the same failover action (6xx,
487, 486, 401/407). Reported apart they stack on one line, each repeating the
same related locations; an editor and the CLI's text output show them as one
`Problem` instead. Machines (JSON, SARIF) keep one finding per rule.

The findings come in already filtered by the settings and suppression comments,
so a suppressed rule is simply not part of its site's problem.
"""

from __future__ import annotations

from collections.abc import Iterable

from sip_lsp.catalog import Catalog
from sip_lsp.model import Finding, Fix, Related, Span

# The rules judged per code group at one failover action (rules/failover.py).
MERGED_RULES = frozenset({"SC301", "SC302", "SC303", "SC304"})
_SEVERITY_RANK = {"error": 0, "warning": 1, "information": 2, "info": 2, "hint": 3}


class _Keep(dict[str, str]):
    """Leaves an unknown `{name}` in a (user-translated) template as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _words(catalog: Catalog, key: str, lang: str, **values: str) -> str:
    text = catalog.heading(key, lang)
    try:
        return text.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):  # a broken template in a user catalogue
        return text


class Problem:
    """The findings at one site, most severe first (severity, then rule id)."""

    __slots__ = ("findings", "message", "related")

    def __init__(self, findings: tuple[Finding, ...], message: str, related: tuple[Related, ...]) -> None:
        self.findings = findings
        self.message = message
        self.related = related

    @property
    def primary(self) -> Finding:
        return self.findings[0]

    @property
    def merged(self) -> bool:
        return len(self.findings) > 1

    @property
    def rules(self) -> tuple[str, ...]:
        """The primary rule, then the others by id."""
        return (self.primary.rule, *sorted(f.rule for f in self.findings[1:]))

    @property
    def span(self) -> Span:
        return self.primary.span

    @property
    def severity(self) -> str:
        return self.primary.severity

    @property
    def fixes(self) -> tuple[Fix, ...]:
        return tuple(fix for f in self.findings for fix in f.fixes)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for f in self.findings for t in f.tags))


def severity_order(finding: Finding) -> tuple[int, str]:
    return _SEVERITY_RANK.get(finding.severity, 1), finding.rule


def problems(findings: Iterable[Finding], catalog: Catalog, lang: str = "en") -> list[Problem]:
    """The findings as problems, in the order of each site's first finding.

    The merged message names the failover action the findings share (`Finding.subject`);
    a finding without one says "this action".
    """
    sites: dict[Span, list[Finding]] = {}
    order: list[Finding | Span] = []
    for finding in findings:
        if finding.rule not in MERGED_RULES:
            order.append(finding)
            continue
        if finding.span not in sites:
            sites[finding.span] = []
            order.append(finding.span)
        sites[finding.span].append(finding)
    out: list[Problem] = []
    for item in order:
        if isinstance(item, Finding):
            out.append(Problem((item,), item.message, item.related))
            continue
        members = tuple(sorted(sites[item], key=severity_order))
        if len(members) == 1:
            out.append(Problem(members, members[0].message, members[0].related))
        else:
            action = next((f.subject for f in members if f.subject), None)
            out.append(Problem(members, _message(members, catalog, lang, action), _related(members)))
    return out


def _message(members: tuple[Finding, ...], catalog: Catalog, lang: str, action: str | None) -> str:
    """`ds_next_dst() can run after 6xx, 486 and 401/407 (also SC303, SC304)`."""
    by_code = sorted(members, key=lambda f: f.rule)  # the groups in rule order: 6xx, 487, 486, 401/407
    groups = [_words(catalog, f"problem_group_{f.rule}", lang) for f in by_code]
    listed = _words(catalog, "problem_list_and", lang, first=", ".join(groups[:-1]), last=groups[-1])
    others = ", ".join(sorted(f.rule for f in members[1:]))
    if action:
        return _words(catalog, "problem_message", lang, action=action, groups=listed, others=others)
    return _words(catalog, "problem_message_unnamed", lang, groups=listed, others=others)


def _related(members: tuple[Finding, ...]) -> tuple[Related, ...]:
    """Each related location once; the rules' different notes on one location joined."""
    notes: dict[Span, list[str]] = {}
    for finding in members:
        for item in finding.related:
            seen = notes.setdefault(item.span, [])
            if item.message not in seen:
                seen.append(item.message)
    return tuple(Related(span, "; ".join(messages)) for span, messages in notes.items())
