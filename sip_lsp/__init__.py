"""sip-lsp: language server, linter and reference for SIP response codes."""

__version__ = "0.1.0"
