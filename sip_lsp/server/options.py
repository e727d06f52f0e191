"""Editor settings only the server reads (they mean nothing to `check`).

- `sipLsp.docsUrl`: the base URL of the reference site (`sip-lsp site`): a diagnostic
  links to `<docsUrl>/en/rules/SC301.html`, a hover to `<docsUrl>/en/codes/604.html`;
  by default the site shipped in the package.
- `sipLsp.semanticTokens`: semantic highlighting on (default) or off.

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
    semantic_tokens: bool = True
    problems: tuple[ConfigError, ...] = ()

    @staticmethod
    def read(settings: dict[str, object], catalog: Catalog, lang: str) -> ServerOptions:
        problems: list[ConfigError] = []

        def wrong(key: str, text_key: str, value: object) -> None:
            text = render.words(catalog, text_key, lang, value=repr(value))
            problems.append(ConfigError(_WHERE, key, text))

        raw_url = settings.get("docsUrl")
        docs_url = raw_url if isinstance(raw_url, str) and "://" in raw_url else None
        if raw_url not in (None, "") and docs_url is None:
            wrong("docsUrl", "setting_not_url", raw_url)
        raw_tokens = settings.get("semanticTokens")
        if raw_tokens is not None and not isinstance(raw_tokens, bool):
            wrong("semanticTokens", "setting_not_bool", raw_tokens)
        semantic_tokens = raw_tokens if isinstance(raw_tokens, bool) else True
        return ServerOptions(docs_url, semantic_tokens, tuple(problems))
