"""Handler names defined in the modules a KEMI script loads: `require "routing"`, `from routing import *`.

Kamailio looks a handler (`KSR.tm.t_on_failure("name")`) up by its exact name
among what the script's interpreter holds: Lua globals and JavaScript top-level
functions of every file required, Python names imported into the script. A name
the script does not define itself is looked for there before it is reported.

Only modules inside the workspace are read (the include resolver,
dialects/common/includes.py): Lua `require "a.b"` as a/b.lua or a/b/init.lua,
Python `import a.b` as a/b.py or a/b/__init__.py, both from the script's folder
(where Kamailio's interpreter starts its search path), JavaScript `require("./x")`
and `import ... from "./x.js"` from the folder of the file that loads them (a bare
package name is not a file of the workspace). What they load in
turn is read too, each file once. Nothing is read unless a name is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.common.includes import Includes
from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.values import Script
from sip_lsp.model import Analysis, Span

_MAX_DEPTH = 8  # modules loading modules


class Modules:
    """The handler names the script's modules define, read on first need."""

    __slots__ = ("ctx", "analysis", "module", "_names", "_parse", "_texts")

    def __init__(
        self,
        ctx: DialectContext,
        analysis: Analysis,
        module: ir.Module,
        parse: Callable[[str, str], ir.Module],  # (language, text) -> tree: kemi.parse
    ) -> None:
        self.ctx, self.analysis, self.module = ctx, analysis, module
        self._parse = parse
        # name here -> (file, name there): where each name the modules bring in is defined
        self._names: dict[str, tuple[str, str]] | None = None
        self._texts: dict[str, tuple[ir.Module, str]] = {}  # file -> (tree, text)

    def defines(self, name: str) -> bool:
        """A module the script loads (directly or not) brings a function `name` into its scope."""
        return self.defined(name) is not None

    def defined(self, name: str) -> tuple[str, ir.Module, str, ir.Func] | None:
        """(file, tree, text, function) of the module function the script knows as `name`."""
        if not self.module.imports:
            return None
        if self._names is None:
            self._names = self._read()
        where = self._names.get(name)
        if where is None:
            return None
        file, there = where
        tree, text = self._texts[file]
        func = next((f for f in tree.funcs if f.owner is None and f.name == there), None)
        return None if func is None else (file, tree, text, func)

    def script(self, path: str, make: Callable[[], Script]) -> Script:
        """The `Script` of a module's tree, kept in the document's BlockCache with the tree."""
        tree, text = self._texts[path]
        slot = self.ctx.cache.slot("kemi-modules", text)
        key = f"script:{tree.language}"
        found = slot.get(key)
        if not isinstance(found, Script) or found.module is not tree:
            found = slot[key] = make()
        return found

    def _read(self) -> dict[str, tuple[str, str]]:
        include = Includes(self.ctx, self.analysis)
        exported: dict[str, dict[str, tuple[str, str]]] = {}  # file -> the names it holds, and where
        trees: dict[str, ir.Module] = {}  # file -> its tree: each file read once

        def brought_in(module: ir.Module, path: str | None, depth: int) -> dict[str, tuple[str, str]]:
            """The names `module`'s imports bring into its scope (Lua, JavaScript: every global)."""
            names: dict[str, tuple[str, str]] = {}
            for imp in module.imports:
                if imp.names == ():
                    continue  # `import routing`: the module's functions stay inside it
                found = self._load(include, trees, module.language, imp, path)
                if found is None:
                    continue
                file, loaded = found
                held = exported.get(file)
                if held is None:
                    exported[file] = {}  # a cycle closes here: what is known so far
                    deeper = brought_in(loaded, file, depth + 1) if depth + 1 < _MAX_DEPTH else {}
                    own = {f.name: (file, f.name) for f in loaded.funcs if f.owner is None}
                    held = exported[file] = {**deeper, **own}
                if imp.names is None:
                    names.update(held)
                else:
                    names.update((here, held[there]) for there, here in imp.names if there in held)
            return names

        return brought_in(self.module, None, 0)

    def _load(
        self, include: Includes, trees: dict[str, ir.Module], language: str, imp: ir.Import, path: str | None
    ) -> tuple[str, ir.Module] | None:
        """(real path, tree) of the file an import loads, or None when it is not in the workspace."""
        # Lua's package.path and Python's sys.path start at the script's folder; a
        # JavaScript relative name at the folder of the file that requires it.
        folder = os.path.dirname((path if language == "javascript" else None) or self.ctx.path or "")
        folder = folder or self.ctx.root or ""
        for candidate in _candidates(language, imp.name):
            file = os.path.join(folder, candidate)
            if not os.path.isfile(file):
                continue  # tried quietly: only a file that exists may be outside the workspace
            real = os.path.realpath(file)
            if real in trees:  # loaded by another file too
                return real, trees[real]
            found = include(file, Span(imp.start, imp.end, path))
            if found is None:
                return None  # outside the workspace
            tree = trees[found[0]] = self._parse_file(language, found[1])
            self._texts[found[0]] = (tree, found[1])
            return found[0], tree
        return None

    def _parse_file(self, language: str, text: str) -> ir.Module:
        """The module's tree, kept in the document's BlockCache while its text is unchanged."""
        slot = self.ctx.cache.slot("kemi-modules", text)
        parsed = slot.get(language)
        if not isinstance(parsed, ir.Module):
            try:
                parsed = self._parse(language, text)
            except (RecursionError, MemoryError, ValueError):
                parsed = ir.Module(language)
            slot[language] = parsed
        return parsed


def _candidates(language: str, name: str) -> list[str]:
    """The relative file names a module name may be, in the order the interpreter tries them."""
    if not name or "\0" in name:
        return []
    if language == "javascript":
        if not name.startswith(("./", "../")):
            return []  # a package, not a file of the workspace
        base = name
        return [base, base + ".js", base + ".mjs", os.path.join(base, "index.js")]
    if name.startswith((".", "/")) or ".." in name:
        return []
    base = name.replace(".", "/")
    if language == "lua":
        return [base + ".lua", os.path.join(base, "init.lua")]
    return [base + ".py", os.path.join(base, "__init__.py")]
