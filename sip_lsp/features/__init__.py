"""Editor answers in plain data (no LSP types): the server converts them.

One module per feature; each takes an `Analysis` (and the catalogue) and
returns offsets into the analysed text plus Markdown or labels from render.
"""

from sip_lsp.features.actions import disable_in_file, disable_on_line, safe_fix_edits
from sip_lsp.features.completion import Completion, completions_at
from sip_lsp.features.hover import Hover, hover_at
from sip_lsp.features.index import SiteIndex
from sip_lsp.features.inlay import InlayHint, inlay_hints
from sip_lsp.features.navigation import Symbol, definition_at, document_symbols, references_to
from sip_lsp.features.semantic import SemanticToken, semantic_tokens

__all__ = [
    "Completion",
    "Hover",
    "InlayHint",
    "SemanticToken",
    "SiteIndex",
    "Symbol",
    "completions_at",
    "definition_at",
    "disable_in_file",
    "disable_on_line",
    "document_symbols",
    "hover_at",
    "inlay_hints",
    "references_to",
    "safe_fix_edits",
    "semantic_tokens",
]
