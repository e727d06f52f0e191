"""Shared fixtures: the real LSP client (`client`) from `fixtures/server/client.py`; an English locale."""

import os

pytest_plugins = ["fixtures.server.client"]

# The CLI picks its language from the locale: tests that expect English run under C.
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"
