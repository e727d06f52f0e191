from sip_lsp.cli import run

run()
