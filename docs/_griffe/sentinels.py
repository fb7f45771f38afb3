"""A griffe extension for the API reference: a parameter that defaults to ``NOT_GIVEN`` (left out,
where None means something else) is shown as ``name: T = ...``, the stub files' way of saying
"optional, its default is described below", instead of naming the private sentinel."""

from __future__ import annotations

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
