"""The generated portal both engines index: institutions, groups, an action plan, users with
each role, and datasets of every type (general, procurement, commitment), seeded by their
number.

Dataset ``i`` reuses the benchmark's generator (``bench/portal_data.dataset(i)``: Spanish and
English titles with accents, sentences, tags, formats, licences, spread dates, private
flags) and adds the schema fields the index hook rewrites: bilingual titles and
descriptions, codelists, references, repeating subfields. Datasets are created through
``package_create`` (so they are stored as the portal stores them) with indexing off, then
their dates are spread (``metadata_created``/``metadata_modified`` as the generator gives
them) and one rebuild indexes the same CKAN documents into both engines.
"""
from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import ckan.model as model
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog import codelists

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import portal_data  # noqa: E402

INSTITUTIONS = 8
GROUPS = 4
PLAN = "plan-accion-2023-2025"


@dataclasses.dataclass
class Portal:
    """What the request generator needs to know about the portal."""

    size: int
    institutions: list[str]
    groups: list[str]
    users: dict[str, str]  # role -> user name ("" anonymous, "sysadmin", "editor", ...)
    tags: list[str]
    codes: dict[str, list[str]]  # index field -> codes in use
    names: list[str]
    words: list[str] = dataclasses.field(default_factory=list)


def _codes(name: str, count: int = 8, **extra: Any) -> list[str]:
    return [c["value"] for c in codelists.choices(name, **extra)][:count]


CODES = {
    "theme": _codes("eu-data-theme", 13),
    "language": _codes("language", 6),
    "access_rights": _codes("access-right"),
    "frequency": _codes("frequency", 10),
    "stages": _codes("ocds-stage"),
    "procurement_methods": _codes("ocds-method"),
    "main_categories": _codes("ocds-category"),
    "ogp_values": _codes("ogp-value"),
    "policy_areas": _codes("ogp-policy-area"),
    "commitment_status": _codes("commitment-status"),
    "milestones_status": _codes("commitment-status"),
    "supporting_institutions_kind": _codes("supporting-institution-kind"),
}
SECTORS = _codes("sector", 5)
INSTITUTION_TYPES = _codes("institution-type", 4)
LEVELS = _codes("government-level", 3)


def _site() -> dict[str, Any]:
    return {"user": call_action("get_site_user")["name"], "ignore_auth": True}


def _pick(rng: random.Random, codes: list[str], low: int = 1, high: int = 3) -> list[str]:
    return sorted(set(rng.sample(codes, min(len(codes), rng.randint(low, high)))))


def dataset(i: int, portal: Portal) -> dict[str, Any]:
    """The ``package_create`` data of dataset ``i``."""
    base = portal_data.dataset(i)
    rng = random.Random(f"differential-{i}")
    english = base["title"].split()[0] in ("Register", "Statistics", "Indicators", "Annual", "Open")
    title = {"en": base["title"]} if english else {"es": base["title"]}
    if rng.random() < 0.5:  # a translation of the title, sometimes
        other = "es" if english else "en"
        title[other] = f"{rng.choice(portal_data.KINDS_EN if other == 'en' else portal_data.KINDS_ES)} " \
                       f"{rng.choice(portal_data.SUBJECTS_EN if other == 'en' else portal_data.SUBJECTS_ES)}"
    notes = {"en" if english else "es": base["notes"]}
    kind = ("dataset", "dataset", "dataset", "procurement", "commitment")[i % 5]
    data: dict[str, Any] = {
        "type": kind,
        "name": base["name"],
        "owner_org": portal.institutions[i % len(portal.institutions)],
        "title_translated": title,
        "notes_translated": notes,
        "tag_string": ",".join(base["tags"]),
        "license_id": base["license_id"],
        "theme": _pick(rng, CODES["theme"]),
        "private": base["private"] or i % 11 == 3,
        "groups": [{"name": portal.groups[g]} for g in sorted({rng.randrange(GROUPS) for _ in range(rng.randint(0, 2))})],
        "resources": [{"url": f"https://datos.example.gob/{base['name']}/recurso-{n}.{fmt.lower()}",
                       "name": f"Recurso {n + 1} {fmt}", "format": fmt}
                      for n, fmt in enumerate(base["resources"])],
    }
    if i % 29 == 5:
        data["state"] = "draft"
    if kind == "dataset":
        data.update(language=_pick(rng, CODES["language"], 1, 2),
                    access_rights=rng.choice(CODES["access_rights"]),
                    frequency=rng.choice(CODES["frequency"]),
                    issued=f"{2012 + i % 13}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    spatial_coverage=[{"text": rng.choice(portal_data.PLACES)}],
                    documentation=[f"https://datos.example.gob/doc/{i}.pdf"])
    elif kind == "procurement":
        data.update(buyer=portal.institutions[(i + 3) % len(portal.institutions)],
                    buyer_name={"es": f"Compras de {rng.choice(portal_data.PLACES)}",
                                "en": "Procurement office"},
                    stages=_pick(rng, CODES["stages"]),
                    procurement_methods=_pick(rng, CODES["procurement_methods"]),
                    main_categories=_pick(rng, CODES["main_categories"], 1, 2),
                    period_start=f"{2015 + i % 9}-01-01", period_end=f"{2015 + i % 9}-12-31",
                    currencies=["USD"], ocid_prefixes=[f"ocds-{i % 7}abc{i % 3}{i % 5}"],
                    emergency="false")
        if rng.random() < 0.2:
            data.update(emergency="true", emergency_legal_basis={"es": "Decreto Ejecutivo 1017",
                                                                 "en": "Executive Decree 1017"})
    else:
        data.update(ogp_id=f"EC{i:04d}", action_plan=PLAN, commitment_number=str(i % 20 + 1),
                    short_title={"es": f"Compromiso {i}", "en": f"Commitment {i}"},
                    problem={"es": rng.choice(portal_data.SENTENCES_ES)},
                    lead_institution=portal.institutions[(i + 1) % len(portal.institutions)],
                    ogp_values=_pick(rng, CODES["ogp_values"]),
                    policy_areas=_pick(rng, CODES["policy_areas"]),
                    commitment_status=rng.choice(CODES["commitment_status"]),
                    start_date=f"{2019 + i % 4}-09-01", end_date=f"{2022 + i % 4}-08-31",
                    supporting_institutions=[{"name": "Fundación Ciudadanía y Desarrollo",
                                              "kind": rng.choice(CODES["supporting_institutions_kind"])}],
                    milestones=[{"description": {"es": f"Publicar {rng.choice(portal_data.SUBJECTS_ES)}",
                                                 "en": f"Publish {rng.choice(portal_data.SUBJECTS_EN)}"},
                                 "start_date": "2020-01-01", "end_date": "2020-12-31",
                                 "status": rng.choice(CODES["milestones_status"])}])
    return data


def _user(name: str, sysadmin: bool = False) -> str:
    call_action("user_create", context=_site(), name=name, email=f"{name}@example.gob",
                password="Differential-2025!", sysadmin=sysadmin)
    return name


def build(size: int, progress=None) -> Portal:
    """Create the portal (the database must be empty of it); datasets are not indexed."""
    site = _site()
    institutions = []
    for n in range(INSTITUTIONS):
        name = f"institucion-{n:02d}"
        call_action("organization_create", context=dict(site), name=name,
                    title_translated={"es": f"Institución Pública N.º {n}", "en": f"Public Institution {n}"},
                    institution_type=INSTITUTION_TYPES[n % len(INSTITUTION_TYPES)],
                    sector=SECTORS[n % len(SECTORS)], government_level=LEVELS[n % len(LEVELS)])
        institutions.append(name)
    groups = []
    for n in range(GROUPS):
        call_action("group_create", context=dict(site), name=f"tema-{n:02d}", title=f"Tema {n}")
        groups.append(f"tema-{n:02d}")
    call_action("group_create", context=dict(site), type="action-plan", name=PLAN,
                title_translated={"es": "Plan de Acción 2023-2025", "en": "Action Plan 2023-2025"},
                country_or_locality="Ecuador", plan_scope=_codes("action-plan-scope")[0])
    users = {"anonymous": "", "registered": _user("lectora"), "sysadmin": _user("superadmin", True)}
    # member of institution 0, editor of 1 (creator of its datasets), admin of 2 and 3
    for role, orgs in (("member", [0]), ("editor", [1]), ("admin", [2, 3])):
        users[role] = _user(f"usuario-{role}")
        for n in orgs:
            call_action("organization_member_create", context=dict(site), id=institutions[n],
                        username=users[role], role=role)
    portal = Portal(size=size, institutions=institutions, groups=groups, users=users,
                    tags=list(portal_data.TAGS), codes=CODES, names=[])

    import ckan.lib.search.index as ckan_index
    original = ckan_index.make_connection
    ckan_index.make_connection = lambda *a, **k: _NoIndex()
    try:
        for i in range(size):
            data = dataset(i, portal)
            user = users["editor"] if data["owner_org"] == institutions[1] else site["user"]
            call_action("package_create", context={"user": user, "ignore_auth": True}, **data)
            portal.names.append(data["name"])
            if progress and (i + 1) % 100 == 0:
                progress(i + 1, size)
    finally:
        ckan_index.make_connection = original
    # Spread the dates as the benchmark's generator does (package_create stamps "now").
    rows = [{"name": n, "created": d["metadata_created"], "modified": d["metadata_modified"]}
            for n, d in ((name, portal_data.dataset(i)) for i, name in enumerate(portal.names))]
    model.Session.execute(sa.text("UPDATE package SET metadata_created = :created, "
                                  "metadata_modified = :modified WHERE name = :name"), rows)
    model.Session.commit()
    return portal


class _NoIndex:
    """A connection that indexes nothing (creation runs without the search index)."""

    url = "none://"

    def add(self, *args: Any, **kwargs: Any) -> None:
        return None

    def commit(self, *args: Any, **kwargs: Any) -> None:
        return None

    def delete(self, *args: Any, **kwargs: Any) -> None:
        return None
