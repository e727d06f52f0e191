"""catalog/engines/kemi.yaml: every KSR name the kemi dialect reads is one Kamailio exports."""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects.kemi.ksr import ARM_KINDS, Ksr, ksr_for


@pytest.fixture(scope="module")
def ksr() -> Ksr:
    return ksr_for(default_catalog())


def test_every_role_names_an_exported_function(ksr: Ksr) -> None:
    for role, names in ksr.roles.items():
        if role in ("rewrite_pvs", "party_pvs"):
            assert all(n.startswith("$") for n in names)
            continue
        missing = sorted(n for n in names if ksr.returns(n) is None)
        assert not missing, f"{role}: {missing}"


def test_arming_roles_are_known(ksr: Ksr) -> None:
    assert set(ARM_KINDS) <= set(ksr.roles)


@pytest.mark.parametrize(
    ("name", "returns"),
    [
        # sr_kemi_t tables at kamailio/kamailio@38711a3e788d
        ("KSR.tm.t_check_status", "int"),  # src/modules/tm/tm.c tm_kemi_exports
        ("KSR.tm.t_is_set", "int"),
        ("KSR.sl.sl_send_reply", "int"),  # src/modules/sl/sl.c
        ("KSR.dispatcher.ds_next_dst", "int"),
        ("KSR.is_INVITE", "bool"),  # src/core/kemi.c _sr_kemi_core
        ("KSR.isflagset", "bool"),
        ("KSR.kx.ifdef", "bool"),  # src/modules/kemix/kemix_mod.c
        ("KSR.pv.get", "xval"),  # src/core/kemi.c _sr_kemi_pv
        ("KSR.pv.is_null", "bool"),
        ("KSR.x.exit", "none"),  # app_lua / app_jsdt, added by hand
    ],
)
def test_return_types_follow_the_export_tables(ksr: Ksr, name: str, returns: str) -> None:
    assert ksr.returns(name) == returns


def test_result_codes_exclude_values_and_booleans(ksr: Ksr) -> None:
    assert ksr.result_code("KSR.tm.t_check_status")
    assert not ksr.result_code("KSR.pv.geti")  # the variable's value
    assert not ksr.result_code("KSR.is_INVITE")
    assert not ksr.result_code("KSR.no.such_function")


def test_the_table_is_whole(ksr: Ksr) -> None:
    assert len(ksr.types) > 1400
