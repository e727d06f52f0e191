"""`python -m sip_lsp.catalog build`: compile catalog/*.yaml into sip_lsp/data/catalog.json."""

import sys

from sip_lsp.catalog.build import main

raise SystemExit(main(sys.argv[1:]))
