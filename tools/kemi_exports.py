"""Regenerate catalog/engines/kemi.yaml: every KSR function Kamailio exports, with its types.

Reads the `sr_kemi_t` tables (module, function, return type, parameter types) from a
Kamailio source tree at one commit, plus the `KSR.x` functions each app module adds
by hand, and writes them as `module: {function: "ret(param, ...)"}`. Run from the
repository root with a git directory of kamailio/kamailio:

    python tools/kemi_exports.py /path/to/kamailio.git [REV]

It keeps the hand-written head of catalog/engines/kemi.yaml (`roles`, the comments) and
rewrites everything below its `ksr:` line; update the commit named in the head by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys

_ENTRY = re.compile(
    r'\{\s*str_init\(\s*"([^"]*)"\s*\)\s*,\s*str_init\(\s*"([^"]*)"\s*\)\s*,'
    r"\s*SR_KEMIP_(\w+)\s*,\s*\w+\s*,\s*\{([^{}]*)\}\s*\}"
)
_TABLE = re.compile(r"sr_kemi_t\s+\w+\s*\[\s*\]\s*=\s*\{")
_TYPES = {"INT": "int", "BOOL": "bool", "STR": "str", "XVAL": "xval", "LONG": "long", "NONE": "none"}
_TARGET = "catalog/engines/kemi.yaml"
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _git(gitdir: str, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", gitdir, *args], check=True, capture_output=True, text=True
    ).stdout


def exports(gitdir: str, rev: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    files = [f for f in _git(gitdir, "grep", "-l", "sr_kemi_t", rev, "--", "src").split() if f.endswith(".c")]
    table: dict[str, dict[str, str]] = {}
    where: list[str] = []
    for name in files:
        path = name.split(":", 1)[1]
        text = _COMMENT.sub("", _git(gitdir, "show", name))
        found = False
        for m in _TABLE.finditer(text):
            end = text.find("};", m.end())
            for e in _ENTRY.finditer(text, m.end(), end if end != -1 else len(text)):
                module, func, ret, params = e.groups()
                if not func:
                    continue
                ptypes = [_TYPES.get(p.strip().removeprefix("SR_KEMIP_"), "?") for p in params.split(",")]
                ptypes = [p for p in ptypes if p != "none"]
                table.setdefault(module, {}).setdefault(
                    func, f"{_TYPES.get(ret, ret.lower())}({', '.join(ptypes)})"
                )
                found = True
        if found:
            where.append(path)
    return table, sorted(where)


def main(argv: list[str]) -> int:
    gitdir = argv[1]
    rev = argv[2] if len(argv) > 2 else "HEAD"
    commit = _git(gitdir, "rev-parse", rev).strip()
    table, where = exports(gitdir, commit)
    # KSR.x: added by each app module by hand (app_lua_api.c _sr_kemi_x_Map, app_jsdt_api.c
    # _sr_kemi_x_J_Map, apy_kemi.c _sr_apy_kemi_x_Methods); exit and drop end the script (Lua
    # and JS; Python has only modf and ends with sys.exit()).
    table.setdefault("x", {}).update({"exit": "none()", "drop": "none()", "modf": "int(str, ...)"})
    with open(_TARGET, encoding="utf-8") as fh:
        head = fh.read().split("\n    ksr:\n")[0]
    out = [head, "    ksr:"]
    for module in sorted(table):
        out.append(f'      "{module}":')
        for func in sorted(table[module]):
            out.append(f'        {func}: "{table[module][func]}"')
    with open(_TARGET, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print(
        f"{sum(map(len, table.values()))} functions in {len(table)} modules from {len(where)} files",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
