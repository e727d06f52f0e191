"""`sip-lsp table`: the outcome table of every failover point, as text, Markdown and JSON."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.cli import main
from sip_lsp.model import Local

FIXTURE = Path(__file__).parent / "fixtures" / "table" / "carrier.cfg"
REGISTERED_FINAL = sorted(c for c in default_catalog().codes if 300 <= c < 700)


def table(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["table", *argv])
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("dialect", ["kamailio", "opensips"])
def test_json_has_every_registered_final_code_in_exactly_one_row(dialect):
    status, out, _ = table(str(FIXTURE), "--format", "json", "--dialect", dialect)
    assert status == 0
    [t] = json.loads(out)["tables"]
    assert (t["kind"], t["name"], t["line"]) == ("failure_route", "CARRIER", 8)
    codes = [c for row in t["rows"] for c in row["codes"]]
    assert sorted(codes) == REGISTERED_FINAL
    local = [c for row in t["rows"] for c in row["local"]]
    assert sorted(local) == sorted(case.value for case in Local)
    for row in t["rows"]:
        assert set(row) == {"codes", "local", "outcome", "reply", "line", "note"}


def test_json_rows_say_what_happens_and_where():
    _, out, _ = table(str(FIXTURE), "--format", "json")
    rows = json.loads(out)["tables"][0]["rows"]

    def row(code):
        return next(r for r in rows if code in r["codes"])

    assert row(486)["outcome"] == "media" and row(486)["line"] == 14
    assert (row(604)["outcome"], row(604)["reply"], row(604)["line"]) == ("reply", 500, 18)
    assert row(408)["outcome"] == "retry-same" and "timeout" in row(408)["local"]
    assert row(404)["outcome"] == "forward" and row(404)["line"] is None
    nodest = next(r for r in rows if "no-destination" in r["local"])
    assert (nodest["outcome"], nodest["reply"], nodest["codes"]) == ("reply", 503, [])


def test_text_groups_codes_by_outcome():
    status, out, _ = table(str(FIXTURE))
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("failure_route[CARRIER] (") and lines[0].endswith(":8), armed at 4")
    masked = [line for line in lines if line.strip().startswith("5xx, 6xx")]
    assert len(masked) == 1 and "reply 500" in masked[0] and masked[0].endswith(":18")
    assert any("4xx except 408, 486" in line and "forward" in line for line in lines)


def test_markdown_and_russian():
    _, out, _ = table(str(FIXTURE), "--format", "markdown", "--lang", "ru")
    assert out.startswith("### failure_route[CARRIER]") and "| Коды |" in out and "тайм-аут" in out


def test_at_selects_by_route_name_or_line():
    assert table(str(FIXTURE), "--at", "CARRIER")[1]
    assert table(str(FIXTURE), "--at", "4")[1]  # the arming t_on_failure
    status, out, err = table(str(FIXTURE), "--at", "NOPE")
    assert status == 2 and "NOPE" in err and out == ""


def test_a_file_without_failover_points(tmp_path):
    cfg = tmp_path / "plain.cfg"
    cfg.write_text('#!KAMAILIO\nrequest_route {\n\tsl_send_reply("404", "Not Found");\n}\n')
    status, out, _ = table(str(cfg))
    assert status == 0 and out.strip() == "No failover points found."
    assert json.loads(table(str(cfg), "--format", "json")[1]) == {"tables": []}
