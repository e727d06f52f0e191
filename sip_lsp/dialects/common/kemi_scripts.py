"""The kamailio.cfg <-> KEMI script link: `modparam("app_lua", "load", "/etc/kamailio/routing.lua")`.

A Kamailio config hands its routing to a KEMI script with `cfgengine` and the
script module's parameter naming the file: `load` (app_python3, app_python3s,
app_python, app_lua, app_jsdt) or its alias `script_name` (app_python3,
app_python). `app_python3`'s `python_exec()` runs the same script without
`cfgengine`, so the parameter alone ties the two.

Both sides use this module. The SER dialect notes a parameter whose script is
not in the workspace (`missing`); detection treats a Python, Lua or JavaScript
file as KEMI when a config beside it, in its parent folder or in the workspace
root names it, even when it calls no `KSR.` itself (`named_by_config`).

A script is looked for as written and, when that is not inside the workspace, by
its file name beside the config (a config deployed with `/etc/kamailio/x.lua` is
usually edited in a checkout holding `kamailio.cfg` and `x.lua` side by side).
Like an include, it counts only inside the workspace root or the config's own
folder. Only literal strings are read: a name built with `#!define` is not.
"""

from __future__ import annotations

import os

# Module -> the parameters that name its script.
SCRIPT_PARAMS = {
    "app_python3": ("load", "script_name"),
    "app_python": ("load", "script_name"),
    "app_python3s": ("load",),
    "app_lua": ("load",),
    "app_jsdt": ("load",),
}
SCRIPT_EXTENSIONS = (".py", ".lua", ".js", ".mjs")
_MAX_CONFIG = 4 << 20  # bytes: a config larger than this is not read to find a script's name
# (path, mtime_ns, size) -> the scripts that config names, resolved; one entry per config file.
_NAMED: dict[str, tuple[int, int, frozenset[str]]] = {}


def names_script(module: str, param: str) -> bool:
    """`modparam(module, param, ...)` names a KEMI script."""
    return param in SCRIPT_PARAMS.get(module, ())


def find(name: str, config: str | None, root: str | None) -> str | None:
    """The real path of the script a config at `config` names `name`; None when not in the workspace."""
    folder = os.path.dirname(config) if config else root
    if not name or not folder:
        return None
    roots = [os.path.realpath(d) for d in (root, folder) if d]
    for candidate in (os.path.join(folder, name), os.path.join(folder, os.path.basename(name))):
        try:
            path = os.path.realpath(candidate)
        except (OSError, ValueError):  # a NUL byte or an unusable name: no file has it
            return None
        if _inside(path, roots) and os.path.isfile(path):
            return path
    return None


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def named_by_config(script: str | None, root: str | None = None) -> bool:
    """A config beside `script`, in its parent folder or in `root` names it as a KEMI script."""
    if not script or not os.path.isabs(script) or not script.lower().endswith(SCRIPT_EXTENSIONS):
        return False
    try:
        real = os.path.realpath(script)
    except (OSError, ValueError):
        return False
    folder = os.path.dirname(real)
    folders = dict.fromkeys([folder, os.path.dirname(folder), *([os.path.realpath(root)] if root else [])])
    for where in folders:
        for config in _configs(where):
            if real in _named(config, root):
                return True
    return False


def _configs(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return [e.path for e in entries if e.name.endswith(".cfg") and e.is_file()]
    except (OSError, ValueError):
        return []


def _named(config: str, root: str | None) -> frozenset[str]:
    """The scripts `config` names, resolved; remembered while the file is unchanged."""
    try:
        st = os.stat(config)
    except (OSError, ValueError):
        return frozenset()
    known = _NAMED.get(config)
    if known is not None and known[:2] == (st.st_mtime_ns, st.st_size):
        return known[2]
    found: set[str] = set()
    if st.st_size <= _MAX_CONFIG:
        from sip_lsp.text import read_text

        text = read_text(config)
        if text and "modparam" in text:
            for name, _, _ in script_params(text):
                path = find(name, config, root)
                if path is not None:
                    found.add(path)
    _NAMED[config] = (st.st_mtime_ns, st.st_size, frozenset(found))
    return _NAMED[config][2]


def script_params(text: str) -> list[tuple[str, int, int]]:
    """(script name, start, end of the name between its quotes) of every KEMI script parameter in `text`."""
    from sip_lsp.dialects.ser.lexer import lex

    tokens = lex(text)
    texts, starts, ends = tokens.texts, tokens.starts, tokens.ends
    out: list[tuple[str, int, int]] = []
    for i, t in enumerate(texts):
        if t != "modparam" or texts[i + 1 : i + 2] != ["("]:
            continue
        window = texts[i + 2 : i + 8]  # "module" , "param" , "value" )
        if len(window) < 6 or window[1] != "," or window[3] != "," or window[5] != ")":
            continue
        module, param, value = (_string(w) for w in window[0:6:2])
        if module is None or param is None or value is None or not names_script(module, param):
            continue
        out.append((value, starts[i + 6] + 1, ends[i + 6] - 1))
    return out


def _string(token: str) -> str | None:
    """A quoted token's text, or None for anything else (a #!define name, a number)."""
    if len(token) >= 2 and token[0] in "\"'" and token[-1] == token[0]:
        return token[1:-1]
    return None
