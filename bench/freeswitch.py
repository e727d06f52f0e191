"""FreeSWITCH dialect: analysis time per 1k lines at 1k, 20k and 100k lines (should stay flat).

The dialplan is generated (no corpus file is copied): each extension sets
cause lists, hunts a `|` dial string, fails over to a second bridge, tests
${originate_disposition}, and carries comments and entities.

Run: .venv/bin/python bench/freeswitch.py
"""
from __future__ import annotations

import time

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze

_EXTENSION = """    <!-- route {n}: carrier A, then B on temporary trouble -->
    <extension name="route-{n}" continue="false">
      <condition field="destination_number" expression="^9{n}(\\d{{10}})$">
        <action application="set" data="continue_on_fail=NORMAL_TEMPORARY_FAILURE,RECOVERY_ON_TIMER_EXPIRE"/>
        <action application="export" data="nolocal:fail_on_single_reject=USER_BUSY,CALL_REJECTED"/>
        <action application="set" data="hangup_after_bridge=true"/>
        <action application="bridge" data="{{leg_timeout=20}}sofia/gateway/a-{n}/$1|[x=1,y=2]sofia/gateway/b-{n}/$1"/>
        <action application="bridge" data="sofia/gateway/c-{n}/$1"/>
        <action application="respond" data="503 Carriers &amp; backups down"/>
        <anti-action application="transfer" data="$1 XML default"/>
      </condition>
      <condition field="${{originate_disposition}}" expression="^(USER_BUSY|NO_ANSWER)$">
        <action application="hangup" data="USER_BUSY"/>
      </condition>
    </extension>
"""


def dialplan(lines: int) -> str:
    block = _EXTENSION.count("\n")
    body = "".join(_EXTENSION.format(n=n) for n in range(lines // block + 1))
    return f'<?xml version="1.0"?>\n<include>\n  <context name="bench">\n{body}  </context>\n</include>\n'


def measure(lines: int, repeat: int) -> tuple[int, float, float]:
    """(lines, best wall seconds, best CPU seconds): CPU time stays honest on a busy machine."""
    text = dialplan(lines)
    ctx = DialectContext(path="/bench/dialplan.xml")
    wall = cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        analyze(text, "freeswitch", ctx)
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return text.count("\n"), wall, cpu


def main() -> None:
    default_catalog()
    analyze(dialplan(100), "freeswitch", DialectContext(path="/bench/dialplan.xml"))  # warm up
    print(f"{'lines':>8} {'wall ms':>10} {'cpu ms':>10} {'cpu ms / 1k lines':>18}")
    for lines, repeat in ((1_000, 20), (20_000, 5), (100_000, 2)):
        n, wall, cpu = measure(lines, repeat)
        print(f"{n:>8} {wall * 1000:>10.1f} {cpu * 1000:>10.1f} {cpu * 1e6 / n:>18.2f}")


if __name__ == "__main__":
    main()
