from sip_lsp.cli import main

raise SystemExit(main())
