"""``Record``: the base of the package's small internal values, plain slotted classes that are
frozen, equal, hashed and shown by their fields as a frozen attrs class is. attrs writes and
compiles the methods of each of its classes as the class is made, about half a millisecond
apiece, which every fresh process pays at import; a record's methods are written once, here."""

from __future__ import annotations

from typing import Any, ClassVar, Self


class Record:
    """A frozen value whose fields are its class's annotated names, in their order, each a slot
    set once in ``__init__`` (through ``object.__setattr__``) from a parameter of the same name."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(cls.__annotations__) if "__annotations__" in vars(cls) else ()

    def _assign(self, arguments: dict[str, Any]) -> None:
        """Set every field from ``__init__``'s ``locals()``."""
        for name in self._fields:
            object.__setattr__(self, name, arguments[name])

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self) or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __getstate__(self) -> tuple[Any, ...]:
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:  # copy and pickle, as attrs's slotted classes
        for name, value in zip(self._fields, state, strict=True):
            object.__setattr__(self, name, value)

    def evolve(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field name -> new value), as ``attrs.evolve`` makes one."""
        kept = {name: getattr(self, name) for name in self._fields if name not in changes}
        return type(self)(**kept, **changes)
