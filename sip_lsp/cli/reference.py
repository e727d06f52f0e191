"""`sip-lsp explain`, `compare` and `codes`: look a subject up and print it.

These run on the standard library and the compiled catalogue only (PyYAML
loads just for `--catalog` files), so they start fast. Every failure is one
line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from sip_lsp import render
from sip_lsp.catalog import Catalog, CatalogError, CodeEntry, JSONObject, RuleEntry, as_dict, load_catalog


class _Unknown(Exception):
    """The subject names nothing in the catalogue; the message says what to try."""


def run_explain(args: argparse.Namespace) -> int:
    def show(catalog: Catalog) -> str:
        subject = _subject(args.subject, catalog, args.lang)
        if isinstance(subject, RuleEntry):
            return _output(render.rule_markdown(subject, catalog, args.lang), as_dict(subject), args.format)
        if isinstance(subject, CodeEntry):
            return _output(
                render.code_explain_markdown(subject, catalog, args.lang),
                _code_json(subject, catalog),
                args.format,
            )
        return _output("\n\n".join(md for md, _ in subject), [data for _, data in subject], args.format)

    return _run(args, show)


def run_compare(args: argparse.Namespace) -> int:
    def show(catalog: Catalog) -> str:
        a, b = (_code(s, catalog, args.lang) for s in (args.first, args.second))
        data = {
            "first": _code_json(a, catalog),
            "second": _code_json(b, catalog),
            "contrast": [
                dict(as_dict(c), code=e.code, other=o.code)
                for e, o in ((a, b), (b, a))
                for c in e.contrast
                if c.code == o.code
            ],
        }
        return _output(render.compare_markdown(a, b, catalog, args.lang), data, args.format)

    return _run(args, show)


def run_codes(args: argparse.Namespace) -> int:
    def show(catalog: Catalog) -> str:
        cls = _class(args.cls, catalog) if args.cls is not None else None
        selected = [e for e in catalog.codes.values() if cls is None or e.cls == cls]
        if args.json:
            return json.dumps([_code_json(e, catalog) for e in selected], ensure_ascii=False, indent=1) + "\n"
        md = render.codes_markdown(frozenset(e.code for e in selected), catalog, summaries=True)
        return render.markdown_to_text(md)

    return _run(args, show)


def _run(args: argparse.Namespace, show: Callable[[Catalog], str]) -> int:
    try:
        catalog = load_catalog(args.catalog)
        text = show(catalog)
    except (CatalogError, _Unknown) as exc:
        print(f"sip-lsp: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def _output(md: str, data: object, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return md + "\n" if fmt == "markdown" else render.markdown_to_text(md)


def _subject(
    subject: str, catalog: Catalog, lang: str
) -> CodeEntry | RuleEntry | list[tuple[str, JSONObject]]:
    """A code (604), a rule (SC301, retry-after-global-failure), a reason phrase, or engine topics."""
    if subject.strip().isdigit():
        return _code(subject, catalog, lang)
    rule = catalog.rule(subject)
    if rule is not None:
        return rule
    owner = catalog.phrase_owner(subject)
    if owner is not None:
        return catalog.codes[owner]
    topics = _engine_topics(subject, catalog, lang)
    if topics:
        return topics
    raise _Unknown(render.words(catalog, "error_unknown_subject", lang, subject=subject))


def _engine_topics(subject: str, catalog: Catalog, lang: str) -> list[tuple[str, JSONObject]]:
    """Engine causes and DIALSTATUS values by this name: (Markdown, JSON data) for each engine."""
    token = subject.strip().upper()
    topics: list[tuple[str, JSONObject]] = []
    for engine in catalog.engines.values():
        cause = engine.cause(token)
        if cause is not None:
            topics.append(
                (
                    render.cause_markdown(engine, cause, catalog, lang),
                    dict(as_dict(cause), engine=engine.name, codes=sorted(engine.codes_for_cause(token))),
                )
            )
        status = engine.dialstatus.get(token)
        if status is not None:
            topics.append(
                (
                    render.dialstatus_markdown(token, catalog, lang),
                    dict(
                        as_dict(status),
                        engine=engine.name,
                        variable="DIALSTATUS",
                        codes=sorted(engine.codes_for_dialstatus(token)),
                    ),
                )
            )
    return topics


def _code(subject: str, catalog: Catalog, lang: str) -> CodeEntry:
    text = subject.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 3 and 100 <= int(text) <= 699):
        raise _Unknown(render.words(catalog, "error_not_a_code", lang, subject=subject))
    code = int(text)
    entry = catalog.code(code)
    if entry is None:
        base = catalog.code(code // 100 * 100)
        raise _Unknown(
            render.words(
                catalog,
                "error_unregistered",
                lang,
                code=code,
                base=code // 100 * 100,
                reason=base.reason if base else "",
            )
        )
    return entry


def _class(text: str, catalog: Catalog) -> str:
    """'6xx', '6XX' or '6' -> '6xx'."""
    cls = text.strip().lower()
    cls = cls + "xx" if len(cls) == 1 else cls
    if cls not in {f"{n}xx" for n in range(1, 7)}:
        raise _Unknown(render.words(catalog, "error_unknown_class", subject=text))
    return cls


def _code_json(entry: CodeEntry, catalog: Catalog) -> JSONObject:
    data = as_dict(entry)
    data["class"] = entry.cls
    data["class_name"] = catalog.class_name(entry.cls)
    return data
