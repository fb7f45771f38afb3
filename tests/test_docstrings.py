"""Every public name has a docstring where the API reference and IDEs read it.

The public API is what the public modules (no part of their path starts with ``_``) list in
``__all__``. Each such name needs a docstring, and so does every public member of a public class,
inherited ones included: methods, properties, and fields (an attrs field or an attribute set in
``__init__`` is documented by a string literal right below it). griffe reads the source the way
mkdocstrings renders it, so what passes here is what the reference shows.

Two parts of a Django app are Django's plumbing, not API, and are left out: the ``migrations``
package (Django's migration loader reads its modules by file name, ``0001_initial`` is no name
one could import, and their ``Migration`` attributes are the schema's history, for Django alone),
and a model's inner ``Meta`` class (the model's options: Django's ``ModelBase`` takes it off the
class as it makes the model, so ``ChangeCursor.Meta`` does not exist at run time).
"""

from __future__ import annotations

import griffe

from tests.readme import ROOT

# The reference's extensions, as mkdocs.yml loads them: ``ErrorCode``, ``SubStatus`` and
# ``Carrier``'s members are documented from the package's own tables of them.
EXTENSIONS = ROOT / "docs" / "_griffe" / "reference.py"


def _package() -> griffe.Module:
    loaded = griffe.load(
        "track17_facade",
        search_paths=[ROOT, ROOT / "generated"],
        resolve_aliases=True,
        extensions=griffe.load_extensions(f"{EXTENSIONS}:ErrorMeanings", f"{EXTENSIONS}:VocabularyDocs"),
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def _is_django_migrations(module: griffe.Module) -> bool:
    """A Django app's ``migrations`` package: one beside the app's ``apps`` module."""
    return module.name == "migrations" and module.parent is not None and "apps" in module.parent.modules


def _is_django_meta(member: griffe.Object, owner: griffe.Object) -> bool:
    """A Django model's ``Meta`` options class, which the model class does not keep."""
    bases = [getattr(base, "canonical_path", str(base)) for base in getattr(owner, "bases", [])]
    return member.name == "Meta" and member.is_class and "django.db.models.Model" in bases


def _public_modules(module: griffe.Module) -> list[griffe.Module]:
    found = [module]
    for name, sub in module.modules.items():
        if not name.startswith("_") and not _is_django_migrations(sub):
            found += _public_modules(sub)
    return found


def _undocumented(obj: griffe.Object, shown_as: str, seen: set[str]) -> list[str]:
    if obj.path in seen:
        return []
    seen.add(obj.path)
    missing = [] if obj.docstring and obj.docstring.value.strip() else [shown_as]
    if not obj.is_class:
        return missing
    for name, member in obj.all_members.items():
        if name.startswith("_"):
            continue
        try:
            target = member.final_target if isinstance(member, griffe.Alias) else member
        except griffe.AliasResolutionError:
            continue  # inherited from outside the package (Exception, StrEnum, ...)
        if _is_django_meta(target, obj):
            continue
        missing += _undocumented(target, f"{shown_as}.{name}", seen)
    return missing


def test_every_public_name_has_a_docstring() -> None:
    package = _package()
    seen: set[str] = set()
    missing: list[str] = []
    for module in _public_modules(package):
        exports = module.exports
        if exports is None:  # a module without __all__: the names it defines
            exports = [name for name, obj in module.members.items() if not isinstance(obj, griffe.Alias)]
        for export in exports:
            name = str(export)
            if name.startswith("_"):
                continue  # __version__, private names of a module without __all__
            obj = module[name]
            target = obj.final_target if isinstance(obj, griffe.Alias) else obj
            missing += _undocumented(target, f"{module.path}.{name}", seen)
    assert missing == [], "public names without a docstring:\n" + "\n".join(sorted(missing))


def test_each_code_status_and_carrier_reads_as_the_package_describes_it() -> None:
    code = _package()["codes"]["ErrorCode"]
    assert code.members["ALREADY_REGISTERED"].docstring.value == "17TRACK: number … already registered."
    status = _package()["status"]["SubStatus"].members["IN_TRANSIT_PICKED_UP"]
    assert status.docstring.value == "17TRACK's `InTransit_PickedUp`, under `MainStatus.IN_TRANSIT`."
    ups = _package()["carriers"]["Carrier"].members["UPS"]
    assert ups.docstring.value == "17TRACK's carrier 100002: UPS (US)."


def test_the_check_reads_attribute_docstrings() -> None:
    """The test above sees a field's docstring, and the lack of one (so it can fail)."""
    models = _package()["models"]
    assert "tracking number" in models["TrackInfo"].members["number"].docstring.value
    assert _undocumented(models["Failure"].members["number"], "Failure.number", set()) == []
    bare = griffe.Attribute("number", parent=models["Failure"])
    assert _undocumented(bare, "Failure.number", set()) == ["Failure.number"]


def test_only_djangos_plumbing_is_left_out() -> None:
    """The app's migrations and a model's ``Meta`` are skipped; its other modules and classes are not."""
    app = _package()["contrib"]["django"]
    modules = {module.path for module in _public_modules(app)}
    assert "track17_facade.contrib.django.management.commands.track17_sync" in modules
    assert "track17_facade.contrib.django.models" in modules
    assert not any(".migrations" in path for path in modules)
    cursor = app["models"]["ChangeCursor"]
    assert _is_django_meta(cursor.members["Meta"], cursor)
    command = app["management"]["commands"]["track17_sync"]["Command"]
    assert not _is_django_meta(griffe.Class("Meta", parent=command), command)
