"""`Value`: the base of every model class compared by what it holds."""

from __future__ import annotations


class Value:
    """Equal, hashed and shown by its slots, in order, like a frozen dataclass.

    A subclass lists its fields in `__slots__` (in constructor order) and marks
    them `Final` in `__init__`: read-only to the type checker, plain stores at run
    time (why not a dataclass: see sip_lsp/model/__init__.py).
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Value):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({shown})"
