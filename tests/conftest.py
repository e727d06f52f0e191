"""Shared fixtures: the real LSP client (`client`) from `fixtures/server/client.py`."""

pytest_plugins = ["fixtures.server.client"]
