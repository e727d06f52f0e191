"""`python -m sip_lsp.site build-package`: rebuild the site the wheel ships (sip_lsp/data/site/)."""

import sys

from sip_lsp.site.build import main

raise SystemExit(main(sys.argv[1:]))
