"""Editor settings only the server reads (they mean nothing to `check`).

`sipLsp.docsUrl`: the base URL of the rules' pages (a diagnostic links to
`<docsUrl>/<ID>.md`); by default the Markdown pages shipped in the package.
A wrong value is left out and reported like any bad setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sip_lsp import render
from sip_lsp.catalog import Catalog
from sip_lsp.config import ConfigError

_WHERE = "editor settings"


@dataclass(frozen=True, slots=True)
class ServerOptions:
    docs_url: str | None = None
    problems: tuple[ConfigError, ...] = ()

    @staticmethod
    def read(settings: dict[str, object], catalog: Catalog, lang: str) -> ServerOptions:
        problems: list[ConfigError] = []
        raw = settings.get("docsUrl")
        docs_url = raw if isinstance(raw, str) and "://" in raw else None
        if raw not in (None, "") and docs_url is None:
            text = render.words(catalog, "setting_not_url", lang, value=repr(raw))
            problems.append(ConfigError(_WHERE, "docsUrl", text))
        return ServerOptions(docs_url=docs_url, problems=tuple(problems))
