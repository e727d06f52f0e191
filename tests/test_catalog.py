"""The catalogue: compiled form fresh, schema sound, facts right, errors that name their place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from shared import FACTS as SHARED_FACTS

from sip_lsp.catalog import (
    DATA_FILE,
    LANGS,
    CatalogError,
    default_catalog,
    load_catalog,
)
from sip_lsp.catalog import SOURCE_DIR as SOURCE
from sip_lsp.catalog.build import compile_sources
from sip_lsp.catalog.paths import SCHEMA_FILE, translation_file
from sip_lsp.catalog.validate import validate

FACTS = SHARED_FACTS
SOURCE_DIR = Path(SOURCE)
SCHEMA = json.loads((SOURCE_DIR / "schema.json").read_text(encoding="utf-8"))
# English sources only: catalog/ru/ holds translations, checked in test_catalog_translations.py.
YAML_FILES = sorted(p for p in SOURCE_DIR.rglob("*.yaml") if p.relative_to(SOURCE_DIR).parts[0] != "ru")
CONTRAST_PAIRS = [
    (404, 604),
    (486, 600),
    (480, 404),
    (403, 603),
    (408, 504),
    (500, 503),
    (202, 200),
    (301, 302),
    (401, 407),
    (487, 486),
]
RETRY_ENUM = SCHEMA["$defs"]["code"]["properties"]["retry"]["enum"]


def _tsv(name: str) -> list[dict[str, str]]:
    if not (FACTS / name).exists():
        pytest.skip("the shared facts directory is not available")
    with (FACTS / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def catalog():
    return default_catalog()


# ---------------------------------------------------------------- compiled form and schema


def test_compiled_catalogue_is_fresh():
    compiled = json.loads(Path(DATA_FILE).read_text(encoding="utf-8"))
    compiled["i18n"] = {"ru": json.loads(Path(translation_file("ru")).read_text(encoding="utf-8"))}
    compiled["schema"] = json.loads(Path(SCHEMA_FILE).read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(compile_sources()))
    stale = sorted(k for k in fresh.keys() | compiled.keys() if fresh.get(k) != compiled.get(k))
    assert not stale, f"sip_lsp/data/catalog.json is stale ({', '.join(stale)}): run `make catalog`"


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(SOURCE_DIR)))
def test_every_catalogue_file_validates_with_jsonschema_and_ours(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)]
    assert problems == []
    assert validate(doc, SCHEMA) == []


BROKEN_DOCS = {
    "code out of range": {
        "codes": [{"code": 700, "reason": "X", "summary": "s", "description": "d", "retry": "failover-ok"}]
    },
    "missing field": {"codes": [{"code": 499, "reason": "X", "summary": "s", "retry": "failover-ok"}]},
    "unknown field": {
        "codes": [
            {
                "code": 499,
                "reason": "X",
                "summary": "s",
                "description": "d",
                "retry": "failover-ok",
                "colour": "red",
            }
        ]
    },
    "wrong type": {
        "codes": [{"code": "499", "reason": "X", "summary": "s", "description": "d", "retry": "failover-ok"}]
    },
    "bad enum": {
        "codes": [{"code": 499, "reason": "X", "summary": "s", "description": "d", "retry": "sometimes"}]
    },
    "empty text": {
        "codes": [{"code": 499, "reason": "", "summary": "s", "description": "d", "retry": "failover-ok"}]
    },
    "bad rule id": {
        "rules": [{"id": "X1", "name": "n", "severity": "warning", "summary": "s", "message": "m"}]
    },
    "unknown top-level key": {"colours": []},
    "not a mapping": ["codes"],
    "boolean as integer": {"causes": [{"number": True, "name": "x"}]},
}


@pytest.mark.parametrize("case", sorted(BROKEN_DOCS))
def test_our_validator_rejects_what_jsonschema_rejects(case):
    doc = BROKEN_DOCS[case]
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)), "the case itself must be invalid"
    assert validate(doc, SCHEMA)


# ---------------------------------------------------------------- facts


def test_exactly_the_iana_codes_with_their_phrases(catalog):
    rows = _tsv("sip-response-codes.tsv")
    expected = {int(r["code"]): r["reason_phrase_iana"] for r in rows}
    assert len(expected) == 75
    assert sorted(set(expected) - set(catalog.codes)) == [], "missing codes"
    assert sorted(set(catalog.codes) - set(expected)) == [], "codes IANA does not register"
    assert {c: e.reason for c, e in catalog.codes.items()} == expected


def test_retry_class_follows_the_facts(catalog):
    rows = _tsv("sip-response-codes.tsv")
    want = {
        int(r["code"]): "not-applicable" if r["retry_advice"].startswith("n/a") else r["retry_advice"]
        for r in rows
    }
    assert {c: e.retry for c, e in catalog.codes.items()} == {c: want[c] for c in catalog.codes if c in want}


def test_deprecated_and_reserved_codes(catalog):
    assert catalog.code(202).status == "deprecated"
    assert catalog.code(202).replaced_by == 200
    assert catalog.code(402).status == "reserved"


def test_every_code_has_prose_and_an_rfc(catalog):
    for entry in catalog.codes.values():
        assert entry.when_seen and entry.how_to_fix and entry.rfc.startswith("RFC "), entry.code


@pytest.mark.parametrize("a,b", CONTRAST_PAIRS)
def test_confusable_pairs_contrast_each_other(catalog, a, b):
    assert {a, b} <= set(catalog.codes), f"{a} or {b} is not in the catalogue"
    assert b in {c.code for c in catalog.code(a).contrast}, f"{a} lacks a contrast with {b}"
    assert a in {c.code for c in catalog.code(b).contrast}, f"{b} lacks a contrast with {a}"


def test_references_between_codes_resolve(catalog):
    for entry in catalog.codes.values():
        for target in [c.code for c in entry.contrast] + [entry.replaced_by or entry.code]:
            assert target in set(catalog.codes), (
                f"{entry.code} refers to {target}, which is not in the catalogue"
            )


def test_rfc3398_sip_to_cause_map_matches_the_facts(catalog):
    """RFC 3398 §8.2.6.1 as recorded in the facts TSV, against causes.yaml and each code's q850."""
    rows = _tsv("sip-response-codes.tsv")
    by_code = {c: cause.number for cause in catalog.causes.values() for c in cause.from_sip}
    explicit = {
        int(r["code"]): int(r["rfc3398_isup_cause_for_sip_code"])
        for r in rows
        if r["rfc3398_isup_cause_for_sip_code"].isdigit()
    }
    assert by_code == explicit
    stated = {c: e.q850 for c, e in catalog.codes.items() if e.q850 is not None and c in explicit}
    assert stated == {c: explicit[c] for c in stated}


def test_rfc3398_cause_to_sip_map_matches_the_facts(catalog):
    rows = [r for r in _tsv("q850-cause-maps.tsv") if r["direction"] == "isup_to_sip"]
    for row in rows:
        number, to_sip = row["key"].split(" ", 1)[0], row["maps_to"].split(" ", 1)[0]
        if number.isdigit() and to_sip.isdigit() and "with diagnostic" not in row["key"]:
            assert catalog.causes[int(number)].to_sip == int(to_sip), number


def test_headings_cover_every_language_class_and_retry_value(catalog):
    assert set(catalog.headings) == set(LANGS)
    assert set(catalog.headings["ru"]) <= set(catalog.headings["en"])
    # The heading keys docs/architecture.md promises, each translated.
    promised = [
        "description",
        "when_seen",
        "how_to_fix",
        "key_differences",
        "when_to_use",
        "retry",
        "headers_required",
        "headers_recommended",
        "causes",
        "contrast",
        "class",
        "rfc",
        "status",
        "admits",
        "unintended",
        "reaches",
        "shaped_by",
        "why",
        "example",
        "instead",
        "fix",
        "meaning",
        "produced_by",
        "sends",
    ]
    for key in promised:
        assert catalog.headings["ru"].get(key) not in (None, catalog.headings["en"][key]), key
    for n in range(1, 7):
        assert set(catalog.classes[f"{n}xx"]) == set(LANGS)
    assert set(catalog.retry_classes) == set(RETRY_ENUM)


# ---------------------------------------------------------------- user catalogues


def _user(tmp_path: Path, text: str) -> str:
    path = tmp_path / "vendor.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_user_catalogue_adds_a_vendor_code(tmp_path):
    path = _user(
        tmp_path,
        "codes:\n  - {code: 499, reason: Client Closed, summary: s, description: d,"
        " retry: do-not-failover, status: unregistered}\n",
    )
    cat = load_catalog([path])
    assert cat.code(499).reason == "Client Closed"
    assert cat.code(499).source == path
    assert default_catalog().code(499) is None


@pytest.mark.parametrize(
    "text,entry,field",
    [
        (
            "codes:\n  - {code: 700, reason: X, summary: s, description: d, retry: failover-ok}\n",
            "codes[0] (code 700)",
            "field 'code'",
        ),
        (
            "codes:\n  - {code: 499, reason: X, summary: s, retry: failover-ok}\n",
            "codes[0] (code 499)",
            "field 'description'",
        ),
        (
            "codes:\n"
            "  - {code: 499, reason: X, summary: s, description: d, retry: failover-ok, colour: red}\n",
            "codes[0] (code 499)",
            "field 'colour'",
        ),
        (
            "codes:\n  - {code: 499, reason: [X], summary: s, description: d, retry: failover-ok}\n",
            "codes[0] (code 499)",
            "field 'reason'",
        ),
        (
            "codes:\n  - {code: 499, reason: X, summary: s, description: d, retry: failover-ok}\n"
            "  - {code: 499, reason: Y, summary: s, description: d, retry: failover-ok}\n",
            "codes[1] (code 499)",
            "field 'code'",
        ),
        (
            "rules:\n  - {id: SC9, name: x, severity: warning, summary: s, message: m}\n",
            "rules[0] (id SC9)",
            "field 'id'",
        ),
    ],
)
def test_validator_errors_name_file_entry_and_field(tmp_path, text, entry, field):
    path = _user(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    message = str(info.value)
    assert message.startswith(path + ": ")
    assert entry in message and field in message
    assert "\n" not in message


def test_yaml_syntax_error_is_one_line_with_its_position(tmp_path):
    path = _user(tmp_path, "codes:\n  - code: 499\n   reason: [unclosed\n")
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert str(info.value).startswith(f"{path}: YAML syntax error: line ")
    assert "\n" not in str(info.value)


RULE = "{id: SC301, name: retry-after-global-failure, severity: warning, summary: s, message: m}"


@pytest.mark.parametrize(
    "first,second,where",
    [
        (
            "codes:\n"
            "  - {code: 404, reason: Not Found, summary: s, description: d, retry: do-not-failover}\n",
            None,
            r"codes\[0\] \(code 404\), field 'code': code 404 is defined twice",
        ),
        (f"rules:\n  - {RULE}\n", None, r"rules\[0\] \(id SC301\), field 'id': id SC301 is defined twice"),
        ("causes:\n  - {number: 17, name: User busy}\n", None, r"causes\[0\] \(number 17\), field 'number'"),
        ("engines:\n  asterisk: {causes: []}\n", None, r"engines.asterisk: engine asterisk is defined twice"),
        (
            f"rules:\n  - {RULE}\n",
            f"rules:\n  - {RULE.replace('SC301', 'SC399')}\n",
            r"rules\[0\] \(name retry-after-global-failure\), field 'name'",
        ),
    ],
)
def test_a_built_in_duplicate_across_files_is_an_error(tmp_path, first, second, where):
    """Parallel authors each write a file; a second definition must not silently win."""
    source = tmp_path / "catalog"
    (source / "codes").mkdir(parents=True)
    (source / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (source / "codes" / "a.yaml").write_text(first, encoding="utf-8")
    (source / "codes" / "b.yaml").write_text(second or first, encoding="utf-8")
    with pytest.raises(CatalogError, match="catalog/codes/b.yaml: " + where):
        compile_sources(source)
