"""The exception tree, as the errors module documents it."""

from __future__ import annotations

# -- the exception tree ---------------------------------------------------------------------------


def test_the_errors_docstring_draws_the_real_tree() -> None:
    """Each name in the tree of ``track17_facade.errors``'s docstring sits under its real parent,
    and every exception class of the module is in it."""
    import re

    from track17_facade import errors

    doc = errors.__doc__ or ""
    lines = [line for line in doc.splitlines() if re.match(r"    (Track17Error$|[│ ]*[├└]── )", line)]
    parents: list[str] = []
    drawn = []
    for line in lines:
        name = re.search(r"(\w+Error)\b", line)
        assert name, line
        depth = 0 if line.strip() == "Track17Error" else (line.index("──") - 4) // 4 + 1
        del parents[depth:]
        cls = getattr(errors, name.group(1))
        if parents:
            assert cls.__bases__[0] is getattr(errors, parents[-1]), line
        parents.append(name.group(1))
        drawn.append(name.group(1))
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.Track17Error)
    }
    assert set(drawn) == defined
