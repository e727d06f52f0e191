"""Where the project's shared/ folder is: beside the repository (CI lays it there).

SIP_LSP_SHARED overrides it. Tests that read the facts or the upstream corpus skip
when it is absent.
"""

import os
from pathlib import Path

SHARED = Path(os.environ.get("SIP_LSP_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FACTS = SHARED / "facts"
CORPUS = SHARED / "corpus" / "files"
