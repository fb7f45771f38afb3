"""griffe extensions for the API reference (mkdocs.yml names them): what the source says, shown
the way a reader needs it.

- ``HideSentinels``: a parameter that defaults to ``NOT_GIVEN`` (left out, where None means
  something else) is shown as ``name: T = ...``, the stub files' way of saying "optional, its
  default is described below", instead of naming the private sentinel.
- ``FieldDefaults``: an attrs field shows its default, not the ``field(...)`` call.
- ``ErrorMeanings``: each ``ErrorCode`` member is documented by its meaning, read from the table
  ``ErrorCode.meaning`` answers from (``track17_facade.codes._MEANINGS``), the one source of them.
- ``VocabularyDocs``: each ``SubStatus`` member by its 17TRACK name and main status, each
  ``Carrier`` member by its entry in 17TRACK's carrier list, as the package itself answers them.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe

_SENTINEL = "NOT_GIVEN"


class HideSentinels(griffe.Extension):
    """Shows ``timeout: TimeoutTypes = ...`` where the source says
    ``timeout: TimeoutTypes | NotGiven = NOT_GIVEN``."""

    def on_function_instance(self, *, func: griffe.Function, **kwargs: Any) -> None:
        """Rewrites each sentinel-defaulted parameter of ``func``."""
        for parameter in func.parameters:
            if str(parameter.default) != _SENTINEL:
                continue
            parameter.default = "..."
            annotation = parameter.annotation
            if (
                isinstance(annotation, griffe.ExprBinOp)
                and str(annotation.right) == "NotGiven"
            ):
                parameter.annotation = annotation.left


class FieldDefaults(griffe.Extension):
    """Shows an attrs field's default (``events: tuple[TrackEvent, ...] = ()``) instead of the
    ``field(...)`` call that declares it, and nothing for a field without a default."""

    def on_attribute_instance(self, *, attr: griffe.Attribute, **kwargs: Any) -> None:
        """Replaces ``attr``'s value when it is an ``attrs.field(...)`` call."""
        value = attr.value
        if (
            not isinstance(value, griffe.ExprCall)
            or str(value.function).rsplit(".", 1)[-1] != "field"
        ):
            return
        attr.value = None
        for argument in value.arguments:
            if isinstance(argument, griffe.ExprKeyword) and argument.name == "default":
                attr.value = argument.value


class ErrorMeanings(griffe.Extension):
    """Documents each ``ErrorCode`` member with 17TRACK's meaning of it."""

    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        """Fills the docstrings of ``track17_facade.codes.ErrorCode``'s members."""
        if mod.path != "track17_facade.codes" or "_MEANINGS" not in mod.members:
            return
        table = mod.members["_MEANINGS"].value
        if not isinstance(table, griffe.ExprDict):
            return
        members = mod.members["ErrorCode"].members
        for key, value in zip(table.keys, table.values, strict=True):
            name = str(key).rpartition(".")[2]
            member = members.get(name)
            if member is None or member.docstring is not None:
                continue
            # {0} and {1} stand for what 17TRACK fills in (a field's name, a number)
            meaning = (
                ast.literal_eval(str(value)).replace("{0}", "…").replace("{1}", "…")
            )
            member.docstring = griffe.Docstring(f"17TRACK: {meaning}.", parent=member)


class VocabularyDocs(griffe.Extension):
    """Documents each ``SubStatus`` and ``Carrier`` member as the package describes it."""

    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        """Fills the docstrings of ``SubStatus``'s and ``Carrier``'s members."""
        if mod.path == "track17_facade.status" and "SubStatus" in mod.members:
            from track17_facade.status import SubStatus  # noqa: PLC0415 (only when documenting)

            for sub in SubStatus:
                _fill(
                    mod.members["SubStatus"],
                    sub.name,
                    f"17TRACK's `{sub.name_17track}`, under `MainStatus.{sub.main_status.name}`.",
                )
        if mod.path == "track17_facade.carriers" and "Carrier" in mod.members:
            from track17_facade.carriers import Carrier, default_directory  # noqa: PLC0415

            for carrier in Carrier:
                info = default_directory().get(int(carrier))
                where = (
                    f" ({info.country_iso})"
                    if info is not None and info.country_iso
                    else ""
                )
                named = f": {info.name}{where}" if info is not None else ""
                _fill(
                    mod.members["Carrier"],
                    carrier.name,
                    f"17TRACK's carrier {int(carrier)}{named}.",
                )


def _fill(owner: Any, name: str, text: str) -> None:
    member = owner.members.get(name)
    if member is not None and member.docstring is None:
        member.docstring = griffe.Docstring(text, parent=member)
