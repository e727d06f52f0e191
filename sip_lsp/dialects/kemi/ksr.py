"""The KSR API as the catalogue describes it (catalog/engines/kemi.yaml): types and roles.

`Ksr.returns("KSR.tm.t_check_status")` is the function's return type from its
module's sr_kemi_t table ("int", "bool", "str", "xval", "long", "none"), or None for
a name Kamailio does not export; `Ksr.role(name)` says what the dialect reads in a
call of it (reply, status_regex, next_destination ...).
"""

from __future__ import annotations

from collections.abc import Mapping

from sip_lsp.catalog import Catalog, default_catalog

PREFIX = "KSR."
# Roles that arm a handler by name, and the kind of block the name then points to.
ARM_KINDS = {
    "arm_failure": "failure_route",
    "arm_branch_failure": "branch_failure_route",
    "arm_branch": "branch_route",
    "arm_reply": "onreply_route",
}
# Roles that list names the dialect reads otherwise, not calls.
# Roles that add to a call's main role (a fork is a new branch too; a party rewrite a rewrite).
_NOT_CALLS = ("int_values", "rewrite_pvs", "party_pvs", "fork", "no_destination", "party_rewrite")


class Ksr:
    __slots__ = ("types", "roles", "role_of", "values")

    def __init__(self, data: Mapping[str, object]) -> None:
        self.types: dict[str, str] = {}
        for module, funcs in _mapping(data.get("ksr")).items():
            head = PREFIX + (module + "." if module else "")
            for name, signature in _mapping(funcs).items():
                self.types[head + name] = str(signature).split("(", 1)[0]
        self.roles: dict[str, frozenset[str]] = {
            role: frozenset(str(n) for n in names) if isinstance(names, list) else frozenset()
            for role, names in _mapping(data.get("roles")).items()
        }
        self.role_of: dict[str, str] = {}
        for role, role_names in self.roles.items():
            if role in _NOT_CALLS:
                continue
            for name in role_names:
                self.role_of.setdefault(name, role)
        # SR_KEMIP_INT functions whose integer is a value (a length, a status), not 1/-1.
        self.values = self.roles.get("int_values", frozenset())

    def returns(self, name: str | None) -> str | None:
        return self.types.get(name or "")

    def role(self, name: str | None) -> str | None:
        return self.role_of.get(name or "")

    def result_code(self, name: str | None) -> bool:
        """An SR_KEMIP_INT function returning 1/-1 (not a value such as a length or a status)."""
        return self.types.get(name or "") == "int" and name not in self.values

    def has(self, role: str, name: str | None) -> bool:
        return (name or "") in self.roles.get(role, ())


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


# The catalogue the remembered Ksr was made from, and that Ksr: one per catalogue.
_MADE: list[tuple[Catalog, Ksr]] = []


def ksr_for(catalog: Catalog | None) -> Ksr:
    """The KSR description of `catalog` (the built-in one when None), made once per catalogue."""
    if catalog is None:
        catalog = default_catalog()
    if _MADE and _MADE[0][0] is catalog:
        return _MADE[0][1]
    # The source data as merged, read in place: to_data() copies all of it (22 ms).
    engines = _mapping(catalog._data.get("engines"))
    ksr = Ksr(_mapping(engines.get("kemi")))
    _MADE[:] = [(catalog, ksr)]
    return ksr
