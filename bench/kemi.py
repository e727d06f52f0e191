"""KEMI scripts (Python, Lua, JavaScript) against the native cfg: warm lint, ms per 1k lines at 10k.

Each script repeats the native benchmark's carrier block (bench/generate.py) written
with the KSR API: select a destination, arm a failure handler by name, relay; the
handler guards cancel, 6xx and challenges, then fails over on 5xx and timeouts.
Every 50th block drops the 6xx guard (SC301 to report). The goal (issue 16): a
KEMI script within 2x the native figure per 1k lines.

    .venv/bin/python bench/kemi.py
"""

from __future__ import annotations

import sys
import time

from common import print_table, progress, row
from generate import file_name, generate

LINES = 10_000
RUNS = 3
GOAL = 2.0

BLOCKS = {
    "python": (
        "import KSR as KSR\n\n\n",
        """\
# carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
def ksr_route_r{salt}{n}():
    if KSR.is_INVITE() and KSR.siputils.has_totag() < 0:
        if KSR.dispatcher.ds_select_dst({n}, 4) < 0:
            KSR.sl.send_reply(404, "Not Found")
            return -255
    if KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0:
        KSR.auth.auth_challenge(KSR.pv.get("$fd"), 0)
        return -255
    KSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
    if KSR.tm.t_relay() < 0:
        KSR.sl.sl_reply_error()
    return -255


def ksr_failure_f{salt}{n}():
    if KSR.tm.t_is_canceled() > 0:
        return 1
    if KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0:
        return 1
    if KSR.pv.get("$T_reply_code") == 486:
        KSR.tm.t_reply(486, "Busy Here")
        return 1
    if KSR.tm.t_branch_timeout() > 0 or KSR.tm.t_check_status("^5[0-9][0-9]$") > 0:
        if KSR.dispatcher.ds_next_dst() > 0:
            KSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
            KSR.tm.t_relay()
            return 1
        KSR.tm.t_reply(503, "Service Unavailable")
    return 1


""",
    ),
    "lua": (
        "-- KEMI Lua benchmark\n\n",
        """\
-- carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
function ksr_route_r{salt}{n}()
\tif KSR.is_INVITE() and KSR.siputils.has_totag() < 0 then
\t\tif KSR.dispatcher.ds_select_dst({n}, 4) < 0 then
\t\t\tKSR.sl.send_reply(404, "Not Found")
\t\t\tKSR.x.exit()
\t\tend
\tend
\tif KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0 then
\t\tKSR.auth.auth_challenge(KSR.pv.get("$fd"), 0)
\t\tKSR.x.exit()
\tend
\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
\tif KSR.tm.t_relay() < 0 then
\t\tKSR.sl.sl_reply_error()
\tend
\tKSR.x.exit()
end

function ksr_failure_f{salt}{n}()
\tif KSR.tm.t_is_canceled() > 0 then
\t\treturn 1
\tend
\tif KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0 then
\t\treturn 1
\tend
\tif KSR.pv.get("$T_reply_code") == 486 then
\t\tKSR.tm.t_reply(486, "Busy Here")
\t\treturn 1
\tend
\tif KSR.tm.t_branch_timeout() > 0 or KSR.tm.t_check_status("^5[0-9][0-9]$") > 0 then
\t\tif KSR.dispatcher.ds_next_dst() > 0 then
\t\t\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
\t\t\tKSR.tm.t_relay()
\t\t\treturn 1
\t\tend
\t\tKSR.tm.t_reply(503, "Service Unavailable")
\tend
end

""",
    ),
    "javascript": (
        "// KEMI JavaScript benchmark\n\n",
        """\
// carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
function ksr_route_r{salt}{n}() {{
\tif (KSR.is_INVITE() && KSR.siputils.has_totag() < 0) {{
\t\tif (KSR.dispatcher.ds_select_dst({n}, 4) < 0) {{
\t\t\tKSR.sl.send_reply(404, "Not Found");
\t\t\tKSR.x.exit();
\t\t}}
\t}}
\tif (KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0) {{
\t\tKSR.auth.auth_challenge(KSR.pv.get("$fd"), 0);
\t\tKSR.x.exit();
\t}}
\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}");
\tif (KSR.tm.t_relay() < 0) {{
\t\tKSR.sl.sl_reply_error();
\t}}
\tKSR.x.exit();
}}

function ksr_failure_f{salt}{n}() {{
\tif (KSR.tm.t_is_canceled() > 0) {{
\t\treturn 1;
\t}}
\tif (KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0) {{
\t\treturn 1;
\t}}
\tif (KSR.pv.get("$T_reply_code") == 486) {{
\t\tKSR.tm.t_reply(486, "Busy Here");
\t\treturn 1;
\t}}
\tif (KSR.tm.t_branch_timeout() > 0 || KSR.tm.t_check_status("^5[0-9][0-9]$") > 0) {{
\t\tif (KSR.dispatcher.ds_next_dst() > 0) {{
\t\t\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}");
\t\t\tKSR.tm.t_relay();
\t\t\treturn 1;
\t\t}}
\t\tKSR.tm.t_reply(503, "Service Unavailable");
\t}}
}}

""",
    ),
}
EXTENSIONS = {"python": "py", "lua": "lua", "javascript": "js"}
_salt = 0


def kemi_script(language: str, lines: int) -> str:
    """About `lines` lines of a KEMI script; every 50th handler lacks its 6xx guard."""
    global _salt
    _salt += 1
    head, block = BLOCKS[language]
    out, count, n = [head], head.count("\n"), 0
    per = block.count("\n")
    while count < lines:
        text = block
        if n % 50 == 49:  # the bug: a pattern without 6xx
            text = text.replace("6[0-9][0-9]|401", "401")
        out.append(text.format(n=n, salt=f"v{_salt}"))
        count += per
        n += 1
    return "".join(out)


def _cpu(call) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


def measure() -> list[dict]:
    from sip_lsp.catalog import default_catalog
    from sip_lsp.config import Settings
    from sip_lsp.lint import lint

    catalog, settings = default_catalog(), Settings()

    def per_1k(text: str, path: str) -> float:
        return _cpu(lambda: lint(text, path, settings, catalog)) * 1e6 / text.count("\n")

    native_path = f"/bench/{file_name('kamailio')}"
    per_1k(generate("kamailio", 200, salt="warm"), native_path)
    progress("kamailio lint, 10k lines")
    native = min(per_1k(generate("kamailio", LINES, salt=f"k{i}"), native_path) for i in range(RUNS))
    rows = [row("kamailio cfg lint, ms per 1k lines at 10k", native, "ms", "", "", None)]
    for language, ext in EXTENSIONS.items():
        path = f"/bench/script.{ext}"
        per_1k(kemi_script(language, 300), path)  # imports the parser
        progress(f"kemi {language} lint, 10k lines")
        value = min(per_1k(kemi_script(language, LINES), path) for _ in range(RUNS))
        rows.append(
            row(
                f"kemi {language} lint, ms per 1k lines at 10k",
                value,
                "ms",
                f"<= {native * GOAL:.1f} (2x native)",
                "",
                value <= native * GOAL,
            )
        )
    return rows


def main() -> int:
    print_table(measure())
    return 0


if __name__ == "__main__":
    sys.exit(main())
