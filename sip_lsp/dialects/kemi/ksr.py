"""The KSR API as the catalogue describes it (catalog/engines/kemi.yaml): types and roles.

`Ksr.returns("KSR.tm.t_check_status")` is the function's return type from its
module's sr_kemi_t table ("int", "bool", "str", "xval", "long", "none"), or None for
a name Kamailio does not export; `Ksr.role(name)` says what the dialect reads in a
call of it (reply, status_regex, next_destination ...).
"""

from __future__ import annotations

PREFIX = "KSR."
# Roles that arm a handler by name, and the kind of block the name then points to.
ARM_KINDS = {
    "arm_failure": "failure_route",
    "arm_branch_failure": "branch_failure_route",
    "arm_branch": "branch_route",
    "arm_reply": "onreply_route",
}


class Ksr:
    __slots__ = ("types", "roles", "role_of", "values")

    def __init__(self, data: dict) -> None:
        self.types: dict[str, str] = {}
        for module, funcs in (data.get("ksr") or {}).items():
            head = PREFIX + (module + "." if module else "")
            for name, signature in funcs.items():
                self.types[head + name] = str(signature).split("(", 1)[0]
        self.roles: dict[str, frozenset[str]] = {
            role: frozenset(names) for role, names in (data.get("roles") or {}).items()
        }
        self.role_of: dict[str, str] = {}
        for role, names in self.roles.items():
            if role in ("int_values", "rewrite_pvs"):
                continue
            for name in names:
                self.role_of.setdefault(name, role)
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


_CACHE: list = [None, None]  # [catalog, Ksr]


def ksr_for(catalog) -> Ksr:
    """The KSR description of `catalog` (the built-in one when None), made once per catalogue."""
    if catalog is None:
        from sip_lsp.catalog import default_catalog

        catalog = default_catalog()
    if _CACHE[0] is not catalog:
        data = getattr(catalog, "_data", {}).get("engines", {}).get("kemi", {})
        _CACHE[:] = [catalog, Ksr(data)]
    return _CACHE[1]
