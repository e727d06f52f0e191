"""Catalogue entries for codes 100-429 agree with the verified facts TSV.

Loads the YAML source files directly (yaml.safe_load) and compares each entry with
shared/facts/sip-response-codes.tsv: IANA phrase, retry class, RFC 3398 cause,
FreeSWITCH and Asterisk cause names. Skips when the facts directory is absent.
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
CODES_DIR = ROOT / "catalog" / "codes"
FILES = ("1xx.yaml", "2xx.yaml", "3xx.yaml", "4xx-a.yaml")
FACTS = SHARED_FACTS / "sip-response-codes.tsv"
LOW, HIGH = 100, 429

RETRY_CLASSES = {
    "never-retry-anywhere",
    "do-not-failover",
    "failover-ok",
    "follow-redirect",
    "authenticate-and-retry",
    "retry-same-with-change",
    "wait-then-retry",
}


def _entries() -> dict[int, tuple[str, dict]]:
    out: dict[int, tuple[str, dict]] = {}
    for name in FILES:
        doc = yaml.safe_load((CODES_DIR / name).read_text(encoding="utf-8"))
        assert isinstance(doc, dict) and set(doc) == {"codes"}, name
        for entry in doc["codes"]:
            assert entry["code"] not in out, f"code {entry['code']} defined twice"
            out[entry["code"]] = (name, entry)
    return out


ENTRIES = _entries()


def _facts() -> dict[int, dict[str, str]]:
    if not FACTS.exists():
        return {}
    with FACTS.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {int(r["code"]): r for r in rows if LOW <= int(r["code"]) <= HIGH}


FACT_ROWS = _facts()
needs_facts = pytest.mark.skipif(not FACT_ROWS, reason="facts TSV not available")


def _cause_name(cell: str) -> str | None:
    """'INTERWORKING (default 4xx)' -> 'INTERWORKING'; '' -> None."""
    cell = cell.strip()
    return cell.split(" (", 1)[0].strip() or None


def _q850(cell: str) -> int | None:
    """'41' -> 41; '31 (default for unlisted codes)' -> 31; 'n/a' or '' -> None."""
    m = re.match(r"\s*(\d+)", cell)
    return int(m.group(1)) if m else None


def _retry(cell: str) -> str:
    cell = cell.strip()
    return "not-applicable" if cell.startswith("n/a") else cell


@needs_facts
def test_every_registered_code_in_range_has_an_entry():
    assert sorted(ENTRIES) == sorted(FACT_ROWS)


@needs_facts
@pytest.mark.parametrize("code", sorted(FACT_ROWS))
def test_entry_matches_facts(code):
    row = FACT_ROWS[code]
    _, entry = ENTRIES[code]
    assert entry["reason"] == row["reason_phrase_iana"].strip()
    assert entry["retry"] == _retry(row["retry_advice"])
    assert entry.get("q850") == _q850(row["rfc3398_isup_cause_for_sip_code"])
    assert entry.get("freeswitch") == _cause_name(row["freeswitch_cause_from_sip"])
    assert entry.get("asterisk") == _cause_name(row["asterisk_cause_from_sip"])


# MUSTs read in the RFC text itself where the facts table records less (it marks
# these rows "not re-read" or "unverified"): RFC 3262 §3 (a reliable provisional
# carries Require: 100rel and RSeq), RFC 6228 §5-6 (a 199 carries Reason).
PRIMARY_MUSTS = {(180, "Require"), (180, "RSeq"), (183, "Require"), (183, "RSeq"), (199, "Reason")}


@needs_facts
@pytest.mark.parametrize("code", sorted(FACT_ROWS))
def test_required_headers_are_verified(code):
    row = FACT_ROWS[code]
    required = (ENTRIES[code][1].get("headers") or {}).get("required", [])
    from_facts = [h for h in required if (code, h["name"]) not in PRIMARY_MUSTS]
    if from_facts:
        assert row["header_verification"].strip() in {"verified", "partly-verified", "from-knowledge"}
        assert row["headers_required_MUST"].strip(), "required headers only where the facts list a MUST"
    for header in from_facts:
        assert header["name"].split("-")[0].lower() in row["headers_required_MUST"].lower()
    for header in required:
        assert header.get("rfc", "").startswith("RFC "), (code, header["name"])


def test_files_validate_against_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "catalog" / "schema.json").read_text(encoding="utf-8"))
    for name in FILES:
        jsonschema.validate(yaml.safe_load((CODES_DIR / name).read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize("code", sorted(ENTRIES))
def test_entry_shape(code):
    name, entry = ENTRIES[code]
    assert LOW <= code <= HIGH
    assert name[0] == str(code)[0], f"{code} is in {name}"
    for field in ("summary", "description", "when_seen", "how_to_fix", "rfc"):
        assert entry.get(field, "").strip(), f"{code}: {field} missing"
    assert "\n" not in entry["summary"]
    assert isinstance(entry.get("frequency"), int)
    if code < 300:
        assert entry["retry"] == "not-applicable"
    else:
        assert entry["retry"] in RETRY_CLASSES


def _fold(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())


def test_aliases_never_name_another_registered_code():
    phrases = {_fold(e["reason"]): c for c, (_, e) in ENTRIES.items()}
    if FACTS.exists():
        with FACTS.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                phrases.setdefault(_fold(r["reason_phrase_iana"]), int(r["code"]))
    seen: dict[str, int] = {}
    for code, (_, entry) in ENTRIES.items():
        for alias in entry.get("aliases", []):
            owner = phrases.get(_fold(alias))
            assert owner in (None, code), f"{code} alias {alias!r} is the phrase of {owner}"
            assert _fold(alias) != _fold(entry["reason"]), f"{code} alias {alias!r} repeats the reason"
            assert seen.setdefault(_fold(alias), code) == code, f"alias {alias!r} used twice"


def test_status_and_replacement():
    assert ENTRIES[202][1]["status"] == "deprecated"
    assert ENTRIES[202][1]["replaced_by"] == 200
    assert ENTRIES[402][1]["status"] == "reserved"
    for code, (_, entry) in ENTRIES.items():
        if code not in (202, 402):
            assert entry.get("status", "current") == "current", code


REQUIRED_CONTRASTS = [
    (404, 604),
    (404, 480),
    (403, 603),
    (408, 504),
    (202, 200),
    (200, 202),
    (301, 302),
    (302, 301),
    (401, 407),
    (407, 401),
]


@pytest.mark.parametrize(("a", "b"), REQUIRED_CONTRASTS)
def test_required_contrast_pairs(a, b):
    contrast = {c["code"]: c for c in ENTRIES[a][1].get("contrast", [])}
    assert b in contrast, f"{a} lacks a contrast with {b}"
    assert contrast[b]["difference"].strip() and contrast[b].get("choose", "").strip()
    assert "\n" not in contrast[b]["difference"]


def test_contrasts_point_elsewhere_and_are_unique():
    for code, (_, entry) in ENTRIES.items():
        targets = [c["code"] for c in entry.get("contrast", [])]
        assert code not in targets
        assert len(targets) == len(set(targets)), code


def test_six_xx_is_never_called_retryable_here():
    """Prose in 1xx-4xx must not suggest failing over after a 6xx."""
    for code, (_, entry) in ENTRIES.items():
        text = " ".join(str(entry.get(k, "")) for k in ("how_to_fix", "when_seen")).lower()
        assert "fail over on 6" not in text and "failover on 6" not in text, code
