"""Markdown for hovers, `explain` and `compare`: layout here, every word in the catalogue.

Headings, labels and sentence templates come from `catalog/headings.yaml`
through `Catalog.heading`, so a translation is a YAML change and Python holds
no prose. `markdown_to_text` turns the same Markdown into terminal text.
"""

from __future__ import annotations

import re

from sip_lsp.catalog import Catalog, CodeEntry, Engine, EngineCause, Header, Q850Cause, RuleEntry

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs `explain` ~2 ms
if TYPE_CHECKING:  # the model costs ~8 ms to import; `explain` never needs it
    from typing import Any

    from sip_lsp.model import FailoverSite, StatusTest

SEP = " · "
WARN = "⚠"
ENGINES = ("freeswitch", "asterisk")

# Codes a failover should rarely run on, one rule each (DESIGN §4): 6xx SC301,
# 487 SC302, 486 SC303, 401/407 SC304. Numbers only; the words are in the catalogue.
FAILOVER_SURPRISES = frozenset({401, 407, 486, 487, *range(600, 700)})
# Engines derive a hangup cause only from a final failure; 1xx and 2xx end no call attempt.
FIRST_FINAL_FAILURE = 300


class _Keep(dict[str, object]):
    """Leaves an unknown `{name}` in a (user-translated) template as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def words(catalog: Catalog, key: str, lang: str = "en", **values: object) -> str:
    """A heading or sentence template from the catalogue, filled with `values`."""
    text = catalog.heading(key, lang)
    try:
        return text.format_map(_Keep(values)) if values else text
    except (ValueError, IndexError, AttributeError):  # a broken template in a user catalogue
        return text


def _label(code: int, catalog: Catalog) -> str:
    entry = catalog.code(code)
    return f"{code} {entry.reason}" if entry else str(code)


def _class_label(cls: str, catalog: Catalog, lang: str) -> str:
    return f"{cls} {catalog.class_name(cls, lang)}"


def _section(title: str, body: str) -> str:
    return f"### {title}\n\n{body}" if body else ""


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


# ---------------------------------------------------------------- codes


def code_brief(entry: CodeEntry, catalog: Catalog, lang: str = "en") -> str:
    """The head of `code_markdown`: code · phrase · class · RFC, and the summary (completion)."""
    catalog = catalog.for_lang(lang)
    entry = catalog.code(entry.code) or entry
    return _join(
        _code_title(entry, _class_label(entry.cls, catalog, lang)),
        _status_note(entry, catalog, lang),
        entry.summary,
    )


def code_markdown(entry: CodeEntry, catalog: Catalog, lang: str = "en") -> str:
    """The whole entry: hover on a phrase, and the body of `sip-lsp explain 604`."""
    return _join(*_code_sections(entry, catalog, lang).values())


def code_explain_markdown(entry: CodeEntry, catalog: Catalog, lang: str = "en") -> str:
    """`sip-lsp explain 604`: the whole entry with the per-engine facts after the cause mappings."""
    parts = []
    for name, text in _code_sections(entry, catalog, lang).items():
        parts.append(text)
        if name == "causes":
            parts.append(engine_facts_markdown(entry, catalog, lang))
    return _join(*parts)


def _code_sections(entry: CodeEntry, catalog: Catalog, lang: str) -> dict[str, str]:
    """The entry's parts in reading order, by name, so `explain` can add one after another."""
    catalog = catalog.for_lang(lang)
    entry = catalog.code(entry.code) or entry
    aliases = (
        f"{words(catalog, 'aliases', lang)}: " + ", ".join(f"“{a}”" for a in entry.aliases)
        if entry.aliases
        else ""
    )
    return {
        "title": _code_title(entry, _class_label(entry.cls, catalog, lang)),
        "status": _status_note(entry, catalog, lang),
        "summary": entry.summary,
        "aliases": aliases,
        "description": _section(words(catalog, "description", lang), entry.description),
        "when_seen": _section(words(catalog, "when_seen", lang), entry.when_seen),
        "how_to_fix": _section(words(catalog, "how_to_fix", lang), entry.how_to_fix),
        "retry": _section(words(catalog, "retry", lang), _retry(entry, catalog)),
        "headers_required": _section(
            words(catalog, "headers_required", lang), _headers(entry.headers_required)
        ),
        "headers_recommended": _section(
            words(catalog, "headers_recommended", lang), _headers(entry.headers_recommended)
        ),
        "causes": _section(words(catalog, "causes", lang), _bullets(_cause_maps(entry.code, catalog, lang))),
        "contrast": _section(
            words(catalog, "contrast", lang),
            _bullets([f"**{_label(c.code, catalog)}** — {c.difference}" for c in entry.contrast]),
        ),
    }


def _code_title(entry: CodeEntry, cls: str) -> str:
    return SEP.join([f"**{entry.code} {entry.reason}**", cls, *([entry.rfc] if entry.rfc else [])])


def _status_note(entry: CodeEntry, catalog: Catalog, lang: str) -> str:
    if entry.status == "current":
        return ""
    target = entry.replaced_by or entry.code // 100 * 100
    target_entry = catalog.code(target)
    reason = target_entry.reason if target_entry else ""
    return f"> {WARN} " + words(catalog, entry.status, lang, code=target, reason=reason).strip()


def _retry(entry: CodeEntry, catalog: Catalog) -> str:
    retry = catalog.retry_classes.get(entry.retry)
    return f"**{retry.title}.** {retry.advice}" if retry else ""


def _headers(headers: tuple[Header, ...]) -> str:
    lines = []
    for header in headers:
        line = f"`{header.name}`"
        if header.rfc:
            line += f" ({header.rfc})"
        if header.when:
            line += f" — {header.when}"
        lines.append(line)
    return _bullets(lines)


def _cause_maps(code: int, catalog: Catalog, lang: str) -> list[str]:
    """Q.850 (RFC 3398) and each engine's cause for a received `code`.

    The entry's own fields win. A final failure (3xx-6xx) without them falls back
    to the cause tables, so it still shows what the engines do with it; a 1xx or
    2xx never ends a call attempt, so it shows only causes its entry names.
    """
    entry = catalog.code(code)
    lines = []
    tables = code >= FIRST_FINAL_FAILURE
    number = entry.q850 if entry else None
    if number is None and tables:
        number = next((c.number for c in catalog.causes.values() if code in c.from_sip), None)
    if number is not None:
        cause: Q850Cause | EngineCause | None = catalog.causes.get(number)
        lines.append(f"{words(catalog, 'q850', lang)}: {number}" + (f" {cause.name}" if cause else ""))
    for name in ENGINES:
        engine = catalog.engines.get(name)
        token = getattr(entry, name, None) if entry else None
        cause = engine.cause(token) if engine and token else None
        if engine and token is None and tables:
            cause = engine.cause_for_sip(code)
            token = cause.name if cause else None
        if token:
            lines.append(f"{words(catalog, name, lang)}: `{token}`" + (f" ({cause.number})" if cause else ""))
    return lines


# ---------------------------------------------------------------- engine facts

# The engines a code's facts are told for, in this order; proxies relay a reply, B2BUAs map it.
FACT_ENGINES = ("kamailio", "opensips", "asterisk", "freeswitch")
PROXIES = frozenset({"kamailio", "opensips"})
# Q.850 causes are 1-127; an engine's own causes (freeswitch 487, 700+) go in a `Reason: SIP;cause=` header.
Q850_LAST = 127


def engine_facts_markdown(entry: CodeEntry, catalog: Catalog, lang: str = "en") -> str:
    """What each engine does with `entry`: what the caller gets, how to send it and test for it,
    the `Reason:` to send and the capture filters. Every sentence is a catalogue template."""
    english = catalog
    catalog = catalog.for_lang(lang)
    entry = catalog.code(entry.code) or entry
    values = _code_values(entry, english)
    blocks = []
    for name in FACT_ENGINES:
        engine = catalog.engines.get(name)
        if engine is None:
            continue
        rows = _engine_rows(name, engine, entry, values)
        body = _bullets([f"**{words(catalog, f'facts_{row}', lang)}:** {text}" for row, text in rows if text])
        if body:
            blocks.append(f"#### {words(catalog, f'engine_{name}', lang)}\n\n{body}")
    common = [
        (words(catalog, "facts_reason", lang), _q850_line(catalog, lang, values)),
        (words(catalog, "facts_capture", lang), words(catalog, "facts_capture_filters", lang, **values)),
    ]
    blocks.append(
        f"#### {words(catalog, 'facts_wire', lang)}\n\n"
        + _bullets([f"**{label}:** {text}" for label, text in common if text])
    )
    return _section(words(catalog, "engine_facts", lang), "\n\n".join(blocks))


def _code_values(entry: CodeEntry, english: Catalog) -> dict[str, object]:
    """Placeholders every engine template may use: the code, its phrase, its Q.850 cause."""
    values: dict[str, object] = {"code": entry.code, "reason": entry.reason, "cls": entry.cls}
    number = entry.q850
    if number is None and entry.code >= FIRST_FINAL_FAILURE:
        number = next((c.number for c in english.causes.values() if entry.code in c.from_sip), None)
    cause = english.causes.get(number) if number is not None else None
    if cause is not None:
        values.update(q850=cause.number, q850_name=cause.name, q850_back=cause.to_sip)
    return values


def _q850_line(catalog: Catalog, lang: str, values: dict[str, object]) -> str:
    if "q850" not in values:
        return ""
    key = "facts_q850" if values["q850_back"] is not None else "facts_q850_one_way"
    return words(catalog, key, lang, **values)


def _template(engine: Engine, name: str, code: int) -> str:
    """The engine's template `name`, the most specific first (name_604, name_6xx, name); "" for none."""
    for key in (f"{name}_{code}", f"{name}_{code // 100}xx", name):
        if key in engine.templates:
            return engine.templates[key]
    return ""


def _fill(engine: Engine, name: str, code: int, values: dict[str, object]) -> str:
    text = _template(engine, name, code)
    try:
        return text.format_map(_Keep(values)) if text else ""
    except (ValueError, IndexError, AttributeError):  # a broken template in a user catalogue
        return text


def _engine_rows(
    name: str, engine: Engine, entry: CodeEntry, values: dict[str, object]
) -> list[tuple[str, str]]:
    if name in PROXIES:
        return _proxy_rows(engine, entry.code, values)
    return _b2bua_rows(engine, entry, values)


def _proxy_rows(engine: Engine, code: int, values: dict[str, object]) -> list[tuple[str, str]]:
    """A tm proxy relays the reply; the facts say where it does not, and how a script tests for it."""
    remapped = _remapped(engine, code)
    receives = _fill(engine, "receives_remapped", code, dict(values, remapped=remapped)) if remapped else ""
    tests = [_fill(engine, "test", code, values)]
    for fact, template in (("cancelled_code", "test_cancel"), ("local_timeout_code", "test_timeout")):
        if code == engine.fact(fact):  # tm makes this code itself; a test tells its own from the callee's
            tests.append(_fill(engine, template, code, values))
    return [
        ("receives", receives or _fill(engine, "receives", code, values)),
        ("send", _fill(engine, "send", code, values)),
        ("test", " ".join(t for t in tests if t)),
        ("reason", _fill(engine, "reason", code, values) if "q850" in values else ""),
        ("log", _fill(engine, "log", code, values)),
    ]


def _b2bua_rows(engine: Engine, entry: CodeEntry, values: dict[str, object]) -> list[tuple[str, str]]:
    """A back-to-back agent answers the caller itself: the cause tables decide what the caller gets."""
    code = entry.code
    if code < FIRST_FINAL_FAILURE:  # no cause: the templates for 1xx/2xx say what the engine does
        return [(row, _fill(engine, row, code, values)) for row in ("receives", "send", "test", "log")]
    cause = _engine_cause(engine, entry)
    if cause is None:
        return []
    sent = _sent(engine, cause)
    status = _dialstatus_for(engine, cause.name)
    fallthroughs = engine.fact("autofallthrough_codes")
    fallthrough = fallthroughs.get(status) if isinstance(fallthroughs, dict) else None
    facts = dict(values, cause=cause.name, number=cause.number, sent=sent)
    facts.update(dialstatus=status, fallthrough=fallthrough)
    if code in _listed(engine, "redirect_followed_codes"):  # the caller gets the new call's outcome
        return [
            ("receives", _fill(engine, "receives_redirect", code, facts)),
            ("send", _send(engine, code, cause, facts)),
            ("log", _fill(engine, "log_redirect", code, facts)),
        ]
    name = "receives" if cause.to_sip else "receives_unmapped"
    if sent == code and _template(engine, "receives_same", code):  # nothing to contrast the code with
        name = "receives_same"
    receives = [_fill(engine, name, code, facts)]
    if fallthrough and fallthrough != sent:
        receives.append(_fill(engine, "receives_fallthrough", code, facts))
    tests = [_fill(engine, "test", code, facts)]
    if cause.name in _listed(engine, "default_continue_causes"):
        tests.append(_fill(engine, "test_continues", code, facts))
    reason = "reason" if cause.number <= Q850_LAST else "reason_own_cause"
    return [
        ("receives", " ".join(r for r in receives if r)),
        ("send", _send(engine, code, cause, facts)),
        ("test", " ".join(t for t in tests if t)),
        ("reason", _fill(engine, reason, code, facts)),
        ("log", _fill(engine, _log_template(engine, code, status), code, facts)),
    ]


def _log_template(engine: Engine, code: int, status: str) -> str:
    """The log line's template: Asterisk's follows the DIALSTATUS (log_busy), the others the code."""
    name = f"log_{status.lower()}"
    return name if status and _template(engine, name, code) else "log"


def _remapped(engine: Engine, code: int) -> int | None:
    """The code a tm proxy relays in place of `code` (Kamailio's remap_503_500), or None."""
    return _code_fact(engine, "relay_remaps_503_to") if code == 503 else None


def _engine_cause(engine: Engine, entry: CodeEntry) -> EngineCause | None:
    """The cause a B2BUA derives from a final `entry`: the entry's own field, else the engine's table."""
    token = getattr(entry, engine.name, None)
    return (engine.cause(token) if token else None) or engine.cause_for_sip(entry.code)


def _code_fact(engine: Engine, name: str) -> int | None:
    """A fact that is one code; None when the engine's file does not set it."""
    value = engine.fact(name)
    return value if isinstance(value, int) else None


def _listed(engine: Engine, name: str) -> list[Any]:
    """A fact that lists codes, cause names or a range; empty when the engine's file does not set it."""
    value = engine.fact(name)
    return value if isinstance(value, list) else []


def _sent(engine: Engine, cause: EngineCause) -> int | None:
    """The response a B2BUA sends for `cause`: its table's, else the one for causes it does not list."""
    return cause.to_sip or _code_fact(engine, "unmapped_cause_sends") or engine.default_to_sip


def _send(engine: Engine, code: int, cause: EngineCause, facts: dict[str, object]) -> str:
    """The engine's own way to answer with `code`, then the hangup cause that sends it or the nearest."""
    low, high = _listed(engine, "pjsiphangup_range") or (FIRST_FINAL_FAILURE, 699)
    send = [_fill(engine, "send", code, facts) if low <= code <= high else ""]
    exact = _cause_sending(engine, code, cause)
    if exact is not None:
        send.append(_fill(engine, "send_hangup", code, dict(facts, hangup=exact.name)))
    else:
        send.append(_fill(engine, "send_hangup_nearest", code, dict(facts, hangup=cause.name)))
    return " ".join(s for s in send if s)


def _cause_sending(engine: Engine, code: int, derived: EngineCause) -> EngineCause | None:
    """A cause whose hangup sends exactly `code`: the one `code` maps to when it does, else the lowest."""
    if derived.to_sip == code:
        return derived
    return min((c for c in engine.causes.values() if c.to_sip == code), key=lambda c: c.number, default=None)


def _dialstatus_for(engine: Engine, cause: str) -> str:
    """The Asterisk DIALSTATUS a callee's cause leaves (app_dial handle_cause); "" for other engines."""
    fallback = ""
    for status in engine.dialstatus.values():
        if cause in status.causes:
            return status.value
        if status.other_causes:
            fallback = status.value
    return fallback


# ---------------------------------------------------------------- concise hover


def code_hover_markdown(
    entry: CodeEntry, catalog: Catalog, lang: str = "en", where: str | None = None, more: str | None = None
) -> str:
    """The first screen of a hover on a code, at most ~80 words: the fields headings.yaml
    `hover_fields` names, the action for `where` the code stands ("reply": what the caller
    does on receiving it, "failure": what a failure route does with it, None: both), and a
    link to the full entry when `more` (a URL) is given."""
    english = catalog
    catalog = catalog.for_lang(lang)
    entry = catalog.code(entry.code) or entry
    fields = {
        "title": lambda: _code_title(entry, entry.cls),
        "status": lambda: _status_note(entry, catalog, lang),
        "summary": lambda: entry.summary,
        "action": lambda: _hover_action(entry, catalog, lang, where),
        "engines": lambda: _hover_engines(entry, catalog, english, lang),
        "more": lambda: words(catalog, "hover_more", lang, url=more, code=entry.code) if more else "",
    }
    names = words(catalog, "hover_fields", lang).replace(",", " ").split()
    return _join(*(fields[name]() for name in names if name in fields))


def _hover_action(entry: CodeEntry, catalog: Catalog, lang: str, where: str | None) -> str:
    retry = catalog.retry_classes.get(entry.retry)
    if retry is None:
        return ""
    lines = retry.lines(entry.code)
    receive = ("hover_on_receive", lines.on_receive)
    failure = ("hover_in_failure_route", lines.in_failure_route)
    shown = {"reply": [receive], "failure": [failure]}.get(where or "", [receive, failure])
    return "\n\n".join(f"**{words(catalog, label, lang)}:** {text}" for label, text in shown if text)


def _hover_engines(entry: CodeEntry, catalog: Catalog, english: Catalog, lang: str) -> str:
    """One line: what the caller gets through an engine when it is not the code itself."""
    code = entry.code
    if code < FIRST_FINAL_FAILURE:
        return ""
    values = _code_values(entry, english)
    items = []
    for name in FACT_ENGINES:
        engine = catalog.engines.get(name)
        if engine is None:
            continue
        if code in _listed(engine, "redirect_followed_codes"):
            items.append(_fill(engine, "hover_redirect", code, values))
            continue
        received = _received(engine, entry)
        if received is not None and received[0] != code:
            sent, cause = received
            items.append(_fill(engine, "hover", code, dict(values, sent=sent, cause=cause)))
    items = [i for i in items if i]
    return f"**{words(catalog, 'hover_engines', lang)}:** " + "; ".join(items) if items else ""


def _received(engine: Engine, entry: CodeEntry) -> tuple[int | None, str] | None:
    """(code, cause) the caller gets when `engine` relays or maps a final `entry`; None: passed on."""
    if engine.name in PROXIES:
        return _remapped(engine, entry.code) or entry.code, ""
    cause = _engine_cause(engine, entry)
    if cause is None or engine.fact("remote_sip_code_passthrough"):
        return None
    return _sent(engine, cause), cause.name


def unregistered_markdown(code: int, catalog: Catalog, lang: str = "en") -> str:
    """A 3-digit code IANA never registered (499): how clients treat it (RFC 3261 §8.1.3.2)."""
    cls = f"{code // 100}xx"
    base = code // 100 * 100
    base_entry = catalog.code(base)
    return _join(
        f"**{code}**{SEP}{_class_label(cls, catalog, lang)}",
        f"> {WARN} "
        + words(catalog, "unregistered", lang, code=base, reason=base_entry.reason if base_entry else ""),
        _section(words(catalog, "causes", lang), _bullets(_cause_maps(code, catalog, lang))),
    )


def phrase_markdown(phrase: str, code: int, catalog: Catalog, lang: str = "en") -> str:
    """Hover on a reason phrase: the code that owns it, and a note when that is not `code`."""
    owner = catalog.phrase_owner(phrase)
    entry = catalog.code(code)
    owner_entry = catalog.code(owner) if owner is not None else None
    if owner_entry is None:
        if entry is None:
            return unregistered_markdown(code, catalog, lang)
        note = words(catalog, "phrase_custom", lang, phrase=phrase, code=code, reason=entry.reason)
        return _join(note, code_markdown(entry, catalog, lang))
    if owner == code:
        return code_markdown(owner_entry, catalog, lang)
    note = words(
        catalog,
        "phrase_other_code",
        lang,
        phrase=phrase,
        owner=owner,
        owner_reason=owner_entry.reason,
        code=code,
        reason=entry.reason if entry else "",
    )
    return _join(f"> {WARN} {note}", code_markdown(owner_entry, catalog, lang))


# ---------------------------------------------------------------- rules


def rule_markdown(rule: RuleEntry, catalog: Catalog, lang: str = "en") -> str:
    """ruff-style rule documentation: what, why, example, instead, fix, reference."""
    catalog = catalog.for_lang(lang)
    rule = catalog.rules.get(rule.id, rule)
    fix = _join(rule.fix, words(catalog, f"fixable_{rule.fixable}", lang))
    return _join(
        SEP.join((f"**{rule.id}**", f"`{rule.name}`", rule.severity)),
        _section(words(catalog, "what_it_does", lang), rule.summary),
        _section(words(catalog, "why", lang), rule.why),
        _section(words(catalog, "example", lang), _fence(rule.example)),
        _section(words(catalog, "instead", lang), _fence(rule.instead)),
        _section(words(catalog, "fix", lang), fix),
        _section(words(catalog, "rfc", lang), rule.rfc),
    )


def _fence(code: str) -> str:
    return f"```\n{code.rstrip()}\n```" if code.strip() else ""


# ---------------------------------------------------------------- compare


def compare_markdown(a: CodeEntry, b: CodeEntry, catalog: Catalog, lang: str = "en") -> str:
    """Two codes in the origin page's shape: title, opening, per-code sections, differences, use, RFCs."""
    catalog = catalog.for_lang(lang)
    a, b = (catalog.code(a.code) or a), (catalog.code(b.code) or b)
    names = {
        "a": a.code,
        "a_reason": a.reason,
        "a_class": _class_label(a.cls, catalog, lang),
        "b": b.code,
        "b_reason": b.reason,
        "b_class": _class_label(b.cls, catalog, lang),
    }
    per_code = [
        _join(
            f"### {e.code} {e.reason}",
            _subsection(words(catalog, "description", lang), e.description),
            _subsection(words(catalog, "when_seen", lang), e.when_seen),
            _subsection(words(catalog, "how_to_fix", lang), e.how_to_fix),
        )
        for e in (a, b)
    ]
    learn = _bullets([f"{e.code} {e.reason}: {e.rfc}" for e in (a, b) if e.rfc])
    return _join(
        f"**{words(catalog, 'compare_title', lang, **names)}**",
        " ".join((words(catalog, "compare_intro", lang, **names), a.summary, b.summary)),
        *per_code,
        _section(words(catalog, "key_differences", lang), _differences(a, b, catalog, lang, names)),
        _section(words(catalog, "when_to_use", lang), _choose(a, b, catalog, lang)),
        _section(words(catalog, "learn_more", lang), learn),
    )


def _subsection(title: str, body: str) -> str:
    return f"#### {title}\n\n{body}" if body.strip() else ""


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ«\"`(])")


def _differences(a: CodeEntry, b: CodeEntry, catalog: Catalog, lang: str, names: dict[str, object]) -> str:
    """A numbered list: class, each meaning, where each is met, what each receiver does, the contrast."""
    items = [words(catalog, "diff_class", lang, **names)]
    items += [words(catalog, "diff_meaning", lang, code=e.code, summary=e.summary) for e in (a, b)]
    items += [
        words(catalog, "diff_seen", lang, code=e.code, seen=_first_sentence(e.when_seen))
        for e in (a, b)
        if e.when_seen
    ]
    for e in (a, b):
        retry = catalog.retry_classes.get(e.retry)
        title = retry.title if retry else e.retry
        scope = words(catalog, f"scope_{e.cls}", lang)
        items.append(words(catalog, "diff_receiver", lang, code=e.code, retry=title, scope=scope))
    items += [c.difference for e, other in ((a, b), (b, a)) for c in e.contrast if c.code == other.code]
    return "\n".join(f"{n}. {item}" for n, item in enumerate(dict.fromkeys(items), 1))


def _choose(a: CodeEntry, b: CodeEntry, catalog: Catalog, lang: str) -> str:
    """One action per code, then the catalogue's advice on the pair when it has some."""
    actions = _bullets(
        [
            words(
                catalog, "use_for", lang, code=e.code, reason=e.reason, action=_first_sentence(e.how_to_fix)
            )
            for e in (a, b)
            if e.how_to_fix
        ]
    )
    chosen = [
        c.choose for e, other in ((a, b), (b, a)) for c in e.contrast if c.code == other.code and c.choose
    ]
    return _join(actions, *dict.fromkeys(chosen))


# ---------------------------------------------------------------- code sets


def ranges(codes: frozenset[int] | list[int]) -> str:
    """`300–699` or `303–304, 306–379`: a code set as runs of consecutive codes."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in runs)


def codes_markdown(
    codes: frozenset[int], catalog: Catalog, lang: str = "en", title: str = "", *, summaries: bool = False
) -> str:
    """Codes grouped by class with phrases; unregistered ones as counted runs; surprises marked."""
    catalog = catalog.for_lang(lang)
    registered = [c for c in sorted(codes) if c in catalog.codes]
    head = [f"**{title}**"] if title else []
    if len(registered) < len(codes):
        head.append(
            words(
                catalog,
                "range_summary",
                lang,
                ranges=ranges(codes),
                count=len(codes),
                registered=len(registered),
            )
        )
    unintended = words(catalog, "unintended", lang)
    groups = []
    for cls in sorted({c // 100 for c in codes}):
        name = f"{cls}xx"
        lines = []
        for code in (c for c in registered if c // 100 == cls):
            entry = catalog.codes[code]
            line = f"`{code}` {entry.reason}" + (f" — {entry.summary}" if summaries else "")
            lines.append(line + (f" {WARN} {unintended}" if code in FAILOVER_SURPRISES else ""))
        rest = [c for c in codes if c // 100 == cls and c not in catalog.codes]
        if rest:
            base = cls * 100
            line = f"{ranges(rest)}: " + words(
                catalog,
                "unregistered_in_class",
                lang,
                count=len(rest),
                code=base,
                reason=catalog.codes[base].reason if base in catalog.codes else "",
            )
            lines.append(line + (f" {WARN} {unintended}" if base in FAILOVER_SURPRISES else ""))
        groups.append(f"#### {_class_label(name, catalog, lang)}\n\n{_bullets(lines)}")
    return _join("\n\n".join(head), *groups)


def status_test_markdown(test: StatusTest, catalog: Catalog, lang: str = "en") -> str:
    """Hover on a status pattern or comparison: every code it admits, and those beyond the named."""
    from sip_lsp.model import FINAL_CODES

    beyond = (test.admits & FINAL_CODES) - test.named if test.named is not None else frozenset()
    return _join(
        f"`{test.text}`",
        codes_markdown(test.admits, catalog, lang, words(catalog, "admits", lang)),
        codes_markdown(beyond, catalog, lang, words(catalog, "beyond_named", lang)) if beyond else "",
    )


def failover_markdown(site: FailoverSite, catalog: Catalog, lang: str = "en") -> str:
    """Hover on a failover action: the status codes that can still reach it."""
    shaped = words(catalog, "shaped_by", lang, count=len(site.shaping_tests)) if site.shaping_tests else ""
    return _join(
        f"**`{site.action}`**{SEP}{site.kind.value}",
        codes_markdown(site.codes, catalog, lang, words(catalog, "reaches", lang)),
        shaped,
    )


# ---------------------------------------------------------------- engine causes


def cause_markdown(engine: Engine, cause: EngineCause, catalog: Catalog, lang: str = "en") -> str:
    """Hover on a cause name or number: what produces it in this engine and what it sends."""
    catalog = catalog.for_lang(lang)
    engine = catalog.engines.get(engine.name, engine)
    cause = engine.causes.get(cause.name, cause)
    q850 = catalog.causes.get(cause.number)
    sends = cause.to_sip if cause.to_sip is not None else engine.default_to_sip
    produced = engine.codes_for_cause(cause.name)
    return _join(
        SEP.join(
            (
                f"**{cause.name}**",
                words(catalog, "cause_number", lang, number=cause.number),
                words(catalog, f"engine_{engine.name}", lang),
            )
        ),
        cause.summary,
        f"{words(catalog, 'q850', lang)}: {q850.number} {q850.name}" if q850 else "",
        _section(
            words(catalog, "produced_by", lang),
            codes_markdown(produced, catalog, lang) if produced else words(catalog, "none", lang),
        ),
        _section(
            words(catalog, "sends", lang),
            _label(sends, catalog) if sends else words(catalog, "no_mapping", lang),
        ),
    )


def dialstatus_markdown(value: str, catalog: Catalog, lang: str = "en") -> str:
    """Hover on an Asterisk DIALSTATUS value: its causes and the SIP responses behind them."""
    catalog = catalog.for_lang(lang)
    engine = catalog.engines.get("asterisk")
    status = engine.dialstatus.get(value.upper()) if engine else None
    if engine is None or status is None:
        return ""
    produced = engine.codes_for_dialstatus(status.value)
    return _join(
        SEP.join(
            (
                f"**{words(catalog, 'dialstatus', lang)}={status.value}**",
                words(catalog, "engine_asterisk", lang),
            )
        ),
        status.summary,
        words(catalog, "dialstatus_failed", lang) if status.failed else "",
        _section(words(catalog, "dialstatus_causes", lang), ", ".join(f"`{c}`" for c in status.causes)),
        _section(
            words(catalog, "produced_by", lang), codes_markdown(produced, catalog, lang) if produced else ""
        ),
    )


# ---------------------------------------------------------------- terminal text

_STRONG = re.compile(r"\*\*(.+?)\*\*")


def markdown_to_text(md: str) -> str:
    """The Markdown above as terminal text: headings underlined, tables aligned, no markup."""
    out: list[str] = []
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append("    " + lines[i])
                i += 1
        elif line.startswith("|"):
            table = []
            while i < len(lines) and lines[i].startswith("|"):
                table.append(lines[i])
                i += 1
            out.extend(_table(table))
            continue
        elif line.startswith("#"):
            level, title = len(line) - len(line.lstrip("#")), _inline(line.lstrip("#").strip())
            out += [title, ("=" if level <= 3 else "-") * len(title)]
        else:
            out.append(_inline(line.removeprefix("> ")))
        i += 1
    return "\n".join(out).strip() + "\n"


def _inline(text: str) -> str:
    """Drops ** and backticks, leaving text inside `code` untouched.

    Code with a space in it (a call with arguments, a command, an engine's log line) keeps its
    backticks: without them a reader cannot tell where it ends and the prose around it begins.
    """
    parts = text.split("`")
    return "".join(_code_text(p) if n % 2 else _STRONG.sub(r"\1", p) for n, p in enumerate(parts))


def _code_text(code: str) -> str:
    return f"`{code}`" if " " in code else code


def _table(rows: list[str]) -> list[str]:
    cells = [
        [_inline(c.strip()) for c in row.strip().strip("|").split("|")]
        for row in rows
        if not set(row) <= set("|-: ")
    ]
    widths = [max(len(r[n]) for r in cells if n < len(r)) for n in range(max(map(len, cells)))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
