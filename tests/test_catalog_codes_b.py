"""Catalogue entries for codes 430-699 (4xx-b.yaml, 5xx.yaml, 6xx.yaml).

The YAML is read directly with yaml.safe_load and checked against the schema
and against the verified facts table in shared/facts (those tests skip
when the facts directory is absent).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from shared import FACTS as SHARED_FACTS

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
FILES = {
    "4xx-b.yaml": range(430, 500),
    "5xx.yaml": range(500, 600),
    "6xx.yaml": range(600, 700),
}
FACTS = SHARED_FACTS / "sip-response-codes.tsv"
PROSE = ("summary", "description", "when_seen", "how_to_fix")


def _fold(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())


def _load(name: str) -> list[dict]:
    doc = yaml.safe_load((CATALOG / "codes" / name).read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and set(doc) == {"codes"}, f"{name}: one key, codes:"
    return doc["codes"]


ENTRIES = {name: _load(name) for name in FILES}
ALL = [e for entries in ENTRIES.values() for e in entries]
BY_CODE = {e["code"]: e for e in ALL}


@pytest.fixture(scope="module")
def facts() -> dict[int, list[str]]:
    if not FACTS.exists():
        pytest.skip("facts table shared/facts is not available")
    with FACTS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    header, body = rows[0], rows[1:]
    assert header[1] == "reason_phrase_iana" and header[10] == "retry_advice"
    return {int(r[0]): r for r in body if r and r[0].isdigit()}


def _bare(cause: str) -> str | None:
    """'NORMAL_UNSPECIFIED (default)' -> 'NORMAL_UNSPECIFIED'; '' -> None."""
    cause = cause.strip()
    return cause.split(" ", 1)[0] if cause else None


def _q850(text: str) -> int | None:
    """'31 (default for unlisted codes)' -> 31; 'none (...)' and 'by Warning (...)' -> None."""
    m = re.match(r"\s*(\d+)\b", text)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- shape


def test_files_hold_only_their_range_without_duplicates():
    seen: set[int] = set()
    for name, allowed in FILES.items():
        for entry in ENTRIES[name]:
            assert entry["code"] in allowed, f"{name}: {entry['code']} is outside the file's range"
            assert entry["code"] not in seen, f"{entry['code']} is defined twice"
            seen.add(entry["code"])


def test_entries_validate_against_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((CATALOG / "schema.json").read_text(encoding="utf-8"))
    for name in FILES:
        doc = yaml.safe_load((CATALOG / "codes" / name).read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema)


def test_entries_validate_with_the_package_validator():
    from sip_lsp.catalog.validate import validate

    schema = json.loads((CATALOG / "schema.json").read_text(encoding="utf-8"))
    for name in FILES:
        doc = yaml.safe_load((CATALOG / "codes" / name).read_text(encoding="utf-8"))
        assert validate(doc, schema) == [], name


@pytest.mark.parametrize("entry", ALL, ids=lambda e: str(e["code"]))
def test_prose_is_present_and_summary_is_one_line(entry):
    for field in PROSE:
        text = entry.get(field)
        assert isinstance(text, str) and len(text.split()) >= 5, f"{entry['code']}: {field}"
    assert "\n" not in entry["summary"].strip()
    assert entry.get("rfc", "").startswith("RFC "), entry["code"]
    assert 0 <= entry.get("frequency", -1) <= 100


# ---------------------------------------------------------------- facts


def test_every_registered_code_in_range_has_an_entry(facts):
    expected = {c for c in facts if 430 <= c <= 699}
    assert set(BY_CODE) == expected


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_entry_matches_facts(facts, code):
    row = facts[code]
    entry = BY_CODE[code]
    assert entry["reason"] == row[1], "IANA reason phrase"
    assert entry["retry"] == row[10], "retry advice"
    assert entry.get("q850") == _q850(row[12]), "RFC 3398 cause"
    assert entry.get("freeswitch") == _bare(row[14]), "FreeSWITCH cause"
    assert entry.get("asterisk") == _bare(row[16]), "Asterisk cause"


# MUSTs read in the RFC text itself where the facts table records a SHOULD:
# RFC 3329 §2.3.2 (a server-initiated 494 carries Require: sec-agree).
PRIMARY_MUSTS = {(494, "Require")}


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_required_headers_are_backed_by_a_must_in_the_facts(facts, code):
    row = facts[code]
    required = [
        h
        for h in BY_CODE[code].get("headers", {}).get("required", [])
        if (code, h["name"]) not in PRIMARY_MUSTS
    ]
    if required:
        assert row[9] != "unverified", f"{code}: header duties are unverified in the facts"
    for header in required:
        assert header["name"].lower() in row[5].lower(), (
            f"{code}: {header['name']} is not a MUST in the facts"
        )
        assert header.get("rfc", "").startswith("RFC "), code


def test_specific_required_headers():
    def names(code: int) -> set[str]:
        return {h["name"] for h in BY_CODE[code].get("headers", {}).get("required", [])}

    assert "Security-Server" in names(494)
    assert "Call-Info" in names(608)
    assert "Recv-Info" in names(469)
    assert not names(489), "Allow-Events in 489 is unverified: recommended at most"


def test_aliases_never_name_another_registered_code(facts):
    owners = {_fold(row[1]): c for c, row in facts.items()}
    for entry in ALL:
        for alias in entry.get("aliases", []):
            owner = owners.get(_fold(alias))
            assert owner in (None, entry["code"]), f"{entry['code']}: alias {alias!r} is {owner}'s phrase"


def test_rfc_4474_names_are_aliases():
    assert "Bad Identity-Info" in BY_CODE[436]["aliases"]
    assert "Unsupported Certificate" in BY_CODE[437]["aliases"]


# ---------------------------------------------------------------- contrast


REQUIRED_CONTRASTS = [
    (604, 404),
    (480, 404),
    (603, 403),
    (504, 408),
    (486, 600),
    (600, 486),
    (500, 503),
    (503, 500),
    (487, 486),
    (486, 487),
    (488, 606),
    (606, 488),
]


@pytest.mark.parametrize(("code", "other"), REQUIRED_CONTRASTS)
def test_required_contrast_pairs(code, other):
    contrasts = {c["code"]: c for c in BY_CODE[code].get("contrast", [])}
    assert other in contrasts, f"{code} must contrast with {other}"
    assert contrasts[other]["difference"].strip()
    assert contrasts[other].get("choose", "").strip()


def test_contrasts_name_registered_codes_once(facts):
    for entry in ALL:
        codes = [c["code"] for c in entry.get("contrast", [])]
        assert len(codes) == len(set(codes)), entry["code"]
        for other in codes:
            assert other != entry["code"] and other in facts, f"{entry['code']} -> {other}"
            difference = next(c["difference"] for c in entry["contrast"] if c["code"] == other)
            assert "\n" not in difference.strip(), f"{entry['code']} -> {other}: difference is one line"


# ---------------------------------------------------------------- semantics


def test_global_failures_are_never_retried():
    for code in (600, 603, 604, 606, 607, 608):
        assert BY_CODE[code]["retry"] == "never-retry-anywhere"
    assert BY_CODE[487]["retry"] == "never-retry-anywhere"
    assert BY_CODE[486]["retry"] == "do-not-failover"
    assert BY_CODE[503]["retry"] == "failover-ok"


def test_6xx_prose_states_the_proxy_rule():
    for code in (600, 603, 604, 606, 607, 608):
        text = " ".join(BY_CODE[code][f] for f in ("description", "how_to_fix")).lower()
        assert "branch" in text or "fail over" in text, code


def test_frequency_ranks_the_common_codes_first():
    common = (486, 487, 480, 503, 500, 603, 488)
    rare = (493, 439, 440, 470, 555)
    assert min(BY_CODE[c]["frequency"] for c in common) > max(BY_CODE[c]["frequency"] for c in (604, 600))
    assert min(BY_CODE[c]["frequency"] for c in (604, 600)) > max(BY_CODE[c]["frequency"] for c in rare)


def test_shared_reason_phrase_of_606_is_its_iana_phrase():
    assert BY_CODE[606]["reason"] == "Not Acceptable"
    assert "Not Acceptable" not in BY_CODE[606].get("aliases", [])
