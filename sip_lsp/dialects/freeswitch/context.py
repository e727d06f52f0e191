"""Where an included dialplan file sits in its context: the text that runs before it.

FreeSWITCH builds one XML tree before routing (switch_xml.c preprocess): an
`<X-PRE-PROCESS cmd="include" data="default/*.xml"/>` inside `<context
name="default">` is replaced by the matching files, in glob order
(alphabetical), so their extensions join that context at that place. A
`continue="true"` extension before it (in the including file, or in an
earlier file of the glob) queues its `set` actions on the same call, so its
continue_on_fail governs the bridges of the included file.

The including file is looked for where the vanilla layout puts it: `D.xml`
beside the folder `D/` that holds the file. Nothing outside `root` is read.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from typing import NamedTuple

from sip_lsp.dialects.freeswitch import xmlscan

MAX_SIBLINGS = 64  # earlier files of one glob walked for what they pass on


class Before(NamedTuple):
    """What runs before an included file in its context."""

    context: str  # the context's name
    parent: str  # the including file's path
    parent_text: str
    extensions: tuple[xmlscan.Element, ...]  # the context's extensions before the include
    siblings: tuple[tuple[str, str], ...]  # (path, text) of earlier files of the same glob


def before(
    path: str, read: Callable[[str], str | None], root: str | None, listdir: Callable[[str], list[str]]
) -> Before | None:
    """The context and the text before the include that brings `path` in; None when none does."""
    folder = os.path.dirname(os.path.abspath(path))
    parent = folder + ".xml"
    if root and not os.path.abspath(parent).startswith(os.path.abspath(root).rstrip(os.sep) + os.sep):
        return None
    text = read(parent)
    if not text or "X-PRE-PROCESS" not in text:
        return None
    doc = xmlscan.scan(text)
    here = os.path.dirname(parent)
    rel = os.path.relpath(os.path.abspath(path), here)
    for ctx in doc.iter():
        if ctx.name != "context":
            continue
        earlier: list[xmlscan.Element] = []
        for child in ctx.children:
            if child.name == "extension":
                earlier.append(child)
            elif child.name == "X-PRE-PROCESS" and child.value("cmd") == "include":
                pattern = child.value("data").strip()
                if pattern and fnmatch.fnmatch(rel, pattern):
                    siblings = _siblings(path, pattern, here, read, listdir)
                    return Before(ctx.value("name"), parent, text, tuple(earlier), siblings)
    return None


def _siblings(
    path: str, pattern: str, here: str, read: Callable[[str], str | None], listdir: Callable[[str], list[str]]
) -> tuple[tuple[str, str], ...]:
    """The files the same glob brings in before `path`, in glob (alphabetical) order."""
    folder = os.path.dirname(os.path.abspath(path))
    mine = os.path.basename(path)
    try:
        names = sorted(listdir(folder))
    except OSError:
        return ()
    out: list[tuple[str, str]] = []
    for name in names:
        if name >= mine or len(out) >= MAX_SIBLINGS:
            break
        full = os.path.join(folder, name)
        if fnmatch.fnmatch(os.path.relpath(full, here), pattern):
            text = read(full)
            if text:
                out.append((full, text))
    return tuple(out)
