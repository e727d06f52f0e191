"""Asterisk dialect: analysis time per 1k lines at 1k, 10k and 100k lines (should stay flat).

Run: .venv/bin/python bench/asterisk.py
CPU time (process_time), best of several runs: wall time on a loaded machine
mostly measures the other processes.
"""
from __future__ import annotations

import time

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze

_CONTEXT = """[route-{n}]
exten => _1NXXNXXXXXX,1,NoOp(route {n})
 same => n,Set(CALLED=${{EXTEN}})
 same => n,Dial(PJSIP/${{EXTEN}}@carrier-a-{n},30)
 same => n,GotoIf($["${{DIALSTATUS}}" = "CONGESTION"]?next)
 same => n,Goto(done-${{DIALSTATUS}},1)
 same => n(next),Dial(PJSIP/${{EXTEN}}@carrier-b-{n},30)
 same => n,Hangup(USER_BUSY)
exten => done-BUSY,1,VoiceMail(${{CALLED}}@default,b) ; busy
exten => done-NOANSWER,1,VoiceMail(${{CALLED}}@default,u)
exten => _done-.,1,Gosub(sub-{n},s,1(${{DIALSTATUS}}))
 same => n,Hangup()
[sub-{n}]
exten => s,1,ExecIf($[${{HANGUPCAUSE}} = 34]?Congestion())
 same => n,PJSIPHangup(DOES_NOT_EXIST_ANYWHERE)
 same => n,Return()
;-- block
comment --;
"""


def dialplan(lines: int) -> str:
    block = _CONTEXT.count("\n")
    return "".join(_CONTEXT.format(n=n) for n in range(lines // block + 1))


def measure(lines: int, repeat: int) -> tuple[int, float]:
    text = dialplan(lines)
    ctx = DialectContext(path="/bench/extensions.conf")
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        analyze(text, "asterisk", ctx)
        best = min(best, time.process_time() - t0)
    return text.count("\n"), best


def main() -> None:
    default_catalog()
    analyze(dialplan(100), "asterisk", DialectContext(path="/bench/extensions.conf"))  # warm up
    print(f"{'lines':>8} {'CPU ms':>10} {'ms / 1k lines':>14}")
    for lines, repeat in ((1_000, 20), (10_000, 5), (100_000, 2)):
        n, best = measure(lines, repeat)
        print(f"{n:>8} {best * 1000:>10.1f} {best * 1e6 / n:>14.2f}")


if __name__ == "__main__":
    main()
