"""Load the demo content into the portal through CKAN's actions.

Every `*.yaml` file in this directory maps a kind (`organizations`, `groups`, `datasets`) to a
list of dicts as the kind's `*_create` action takes them; later content (procurement datasets,
commitments, harvest sources) goes into more files of the same shape. `tags` and `groups` may
list plain names. Files load in name order, kind by kind (organizations, groups, datasets);
datasets of type `commitment` load last, as their milestones name other datasets as evidence.

Re-running is idempotent by name: an object whose name already exists on the portal, in any
state, is left exactly as it is and counted as "kept". A re-run therefore creates no
duplicates and never overwrites or restores what users changed or deleted since the last
load; to get an object's original content back, purge it and load again. One completion: a
theme stored before themes were bilingual gets the demo's other-language name and description
(its own texts stay those of the default language).

Each object is created by one action call, which is one transaction: an interrupted load
leaves whole objects behind, and the next run creates the rest.

A portal's history: the datasets a load creates get creation dates spread over the
:data:`HISTORY_MONTHS` months before the load (in load order, the last one today), so the
metrics backfill (`ckan ogpcatalog metrics backfill`, which `make run` runs after the load)
draws a believable growth instead of a single point. Kept datasets keep their dates.
"""
from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

import ckan.plugins.toolkit as tk
from ckan.types import Context

CONTENT_DIR = Path(__file__).resolve().parent
# The months over which the datasets of a load are dated (see the module's docstring).
HISTORY_MONTHS = 18

Outcome = Literal["created", "kept"]


@dataclass(frozen=True)
class Kind:
    """A kind of demo object: its section in the YAML files and the actions that load it."""

    key: str
    show: str
    create: str
    # Names are unique per CKAN table: organizations and groups share the `group` table.
    namespace: str
    # Extra parameters that keep the existence check cheap (no counts, users, search).
    show_options: tuple[tuple[str, Any], ...] = ()


_GROUP_SHOW_OPTIONS = (
    ("include_dataset_count", False),
    ("include_datasets", False),
    ("include_users", False),
    ("include_groups", False),
    ("include_extras", False),
    ("include_followers", False),
)

# In load order: datasets refer to organizations and groups by name.
KINDS: tuple[Kind, ...] = (
    Kind("organizations", "organization_show", "organization_create", "group",
         _GROUP_SHOW_OPTIONS),
    Kind("groups", "group_show", "group_create", "group", _GROUP_SHOW_OPTIONS),
    Kind("datasets", "package_show", "package_create", "package"),
)


@dataclass(frozen=True)
class DemoObject:
    kind: Kind
    data: dict[str, Any]
    source: str

    @property
    def name(self) -> str:
        return self.data["name"]

    def __str__(self) -> str:
        return f"{self.source}: {self.kind.key} {self.name!r}"


class DemoContentError(Exception):
    """The demo content cannot be read, or the portal refused one of its objects."""


def site_user_context() -> Context:
    """An action context that acts as the site user, which may create anything."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def read_content(directory: Path = CONTENT_DIR) -> list[DemoObject]:
    """Every object of every YAML file in `directory`, in load order.

    :raises DemoContentError: a file is not valid YAML, has an unknown section, an object
        without a name, or a name used twice.
    """
    kinds = {kind.key: kind for kind in KINDS}
    found: dict[str, list[DemoObject]] = {kind.key: [] for kind in KINDS}
    for path in sorted(directory.glob("*.yaml")):
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise DemoContentError(f"{path.name}: {error}") from error
        if not isinstance(content, dict):
            raise DemoContentError(f"{path.name}: expected sections {', '.join(kinds)}")
        for key, items in content.items():
            if key not in kinds:
                raise DemoContentError(f"{path.name}: unknown section {key!r}")
            for item in items or []:
                if not isinstance(item, dict) or not item.get("name"):
                    raise DemoContentError(f"{path.name}: {key}: an entry without a name")
                found[key].append(DemoObject(kinds[key], item, path.name))

    # Commitments name other datasets as their evidence: they load after every other dataset.
    objects = [obj for kind in KINDS
               for obj in sorted(found[kind.key], key=lambda o: o.data.get("type") == "commitment")]
    seen: dict[tuple[str, str], DemoObject] = {}
    for obj in objects:
        first = seen.setdefault((obj.kind.namespace, obj.name), obj)
        if first is not obj:
            raise DemoContentError(f"{obj}: name already used by {first}")
    return objects


def load_demo(
    context: Context,
    objects: Iterable[DemoObject] | None = None,
    progress: Callable[[DemoObject, Outcome], None] | None = None,
) -> dict[str, dict[Outcome, int]]:
    """Create the demo objects that do not exist yet; keep those that do.

    :param context: the context to act in, usually `site_user_context()`
    :param objects: what to load; by default everything `read_content()` finds
    :param progress: called after each object with the object and its outcome
    :returns: per kind, the number of objects created and kept,
        e.g. ``{"datasets": {"created": 38, "kept": 0}, ...}``
    :raises DemoContentError: the portal refused an object (its ValidationError);
        the objects loaded before it stay.
    """
    counts: dict[str, dict[Outcome, int]] = {
        kind.key: {"created": 0, "kept": 0} for kind in KINDS
    }
    created_datasets: list[str] = []
    for obj in read_content() if objects is None else objects:
        outcome = load_object(context, obj)
        counts[obj.kind.key][outcome] += 1
        if outcome == "created" and obj.kind.key == "datasets":
            created_datasets.append(obj.name)
        if progress:
            progress(obj, outcome)
    backdate(created_datasets)
    return counts


def history_dates(count: int, now: datetime.datetime | None = None,
                  months: int = HISTORY_MONTHS) -> list[datetime.datetime]:
    """``count`` creation dates from ``months`` months ago to ``now``, oldest first, denser
    towards the present (a portal grows)."""
    now = now or datetime.datetime.utcnow()
    span = datetime.timedelta(days=months * 30.4)
    if count <= 1:
        return [now] * count
    return [now - span * (1 - (i / (count - 1)) ** 0.7) for i in range(count)]


def backdate(names: list[str]) -> None:
    """Give the named datasets (just created, in load order) :func:`history_dates` as their
    creation dates, and re-index them."""
    if not names:
        return
    from ckan import model
    from ckan.lib.search import rebuild

    for name, created in zip(names, history_dates(len(names))):
        model.Session.execute(model.package_table.update().where(
            model.package_table.c.name == name).values(metadata_created=created))
    model.Session.commit()
    for name in names:
        package = model.Package.get(name)
        if package is not None:
            rebuild(package.id)


def load_object(context: Context, obj: DemoObject) -> Outcome:
    """Create `obj` unless an object of its kind with its name exists (in any state).

    A theme kept from before themes were bilingual (no ``title_translated``: CKAN's plain
    title only) gets the demo's translations of its name and description; nothing it holds is
    overwritten, and it still counts as kept."""
    if _exists(context, obj):
        if obj.kind.key == "groups":
            _complete_untranslated_theme(context, obj)
        return "kept"
    try:
        tk.get_action(obj.kind.create)(dict(context), _action_data(obj))
    except tk.ValidationError as error:
        raise DemoContentError(f"{obj}: {error.error_summary}") from error
    return "created"


def _complete_untranslated_theme(context: Context, obj: DemoObject) -> None:
    stored = tk.get_action("group_show")(dict(context), {"id": obj.name,
                                                          "include_datasets": False})
    if stored.get("title_translated") or not obj.data.get("title_translated"):
        return
    # the stored plain texts stay the default language's: only the other languages are added
    default = tk.config.get("ckan.locale_default") or "es"
    patch = {}
    for key, plain in (("title_translated", "title"), ("description_translated", "description")):
        if obj.data.get(key) and not stored.get(key):
            patch[key] = {**obj.data[key], **({default: stored[plain]} if stored.get(plain) else {})}
    try:
        tk.get_action("group_patch")(dict(context), {"id": stored["id"], **patch})
    except tk.ValidationError as error:
        raise DemoContentError(f"{obj}: {error.error_summary}") from error


def _exists(context: Context, obj: DemoObject) -> bool:
    # Actions add to the context they get: each call gets its own copy.
    data_dict = {"id": obj.name, **dict(obj.kind.show_options)}
    try:
        tk.get_action(obj.kind.show)(dict(context), data_dict)
    except tk.ObjectNotFound:
        return False
    return True


def _action_data(obj: DemoObject) -> dict[str, Any]:
    data = copy.deepcopy(obj.data)
    for key in ("tags", "groups"):
        if key in data:
            data[key] = [{"name": item} if isinstance(item, str) else item for item in data[key]]
    return data
