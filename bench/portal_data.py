"""A generated national portal for the benchmarks: deterministic, bulk-loaded with COPY.

Dataset ``i`` is always the same dataset (seeded by ``i``), so a larger portal extends a
smaller one and repeated runs compare like with like. Rows go straight into CKAN's tables
(package, resource, tag, package_tag, group, member): creating 100,000 datasets through
``package_create`` would take hours, and what is measured here is search, not creation.
"""
from __future__ import annotations

import datetime
import io
import random
import uuid

import sqlalchemy as sa

ORGANIZATIONS = 50
GROUPS = 12
NAMESPACE = uuid.UUID("6f1b3a52-3f0e-4b8e-9d61-3c2b8f0e7a11")

SUBJECTS_ES = [
    "contratación pública", "presupuesto general", "ejecución presupuestaria", "compras públicas",
    "salud pública", "vacunación", "educación básica", "matrícula escolar", "telecomunicaciones",
    "cobertura de internet", "calidad del aire", "recursos hídricos", "seguridad ciudadana",
    "transporte urbano", "red vial", "empleo formal", "inflación", "comercio exterior",
    "agricultura familiar", "pesca artesanal", "energía eléctrica", "declaraciones patrimoniales",
    "transparencia activa", "gobierno abierto", "participación ciudadana", "deuda pública",
    "subsidios", "programas sociales", "registro civil", "censo de población", "vivienda",
    "turismo", "cultura", "deportes", "ambiente", "áreas protegidas", "minería", "petróleo",
]
SUBJECTS_EN = [
    "public procurement", "general budget", "budget execution", "public health", "vaccination",
    "school enrolment", "broadband coverage", "air quality", "water resources", "public safety",
    "urban transport", "formal employment", "foreign trade", "electricity", "open government",
    "public debt", "social programmes", "population census", "housing", "protected areas",
]
PLACES = ["Quito", "Guayaquil", "Cuenca", "Manabí", "Esmeraldas", "Loja", "Imbabura", "Azuay",
          "Pichincha", "Galápagos", "El Oro", "Tungurahua", "Chimborazo", "Napo", "nacional"]
KINDS_ES = ["Registro de", "Estadísticas de", "Indicadores de", "Informe anual de",
            "Listado de", "Series históricas de", "Datos abiertos de", "Catálogo de"]
KINDS_EN = ["Register of", "Statistics on", "Indicators of", "Annual report on", "Open data on"]
SENTENCES_ES = [
    "Información publicada por la institución en cumplimiento de la ley de transparencia.",
    "Los datos se actualizan periódicamente y se publican en formatos abiertos.",
    "Incluye desagregación por provincia, cantón y parroquia cuando está disponible.",
    "La fuente es el sistema oficial de registro administrativo de la institución.",
    "Las cifras son provisionales hasta su validación por el ente rector.",
    "Se excluyen los registros con información personal protegida.",
]
SENTENCES_EN = [
    "Published under the national open data policy in open formats.",
    "Figures are provisional until validated by the responsible agency.",
    "Includes breakdowns by province and municipality where available.",
]
TAGS = ["presupuesto", "salud", "educación", "compras", "transparencia", "ambiente", "agua",
        "energía", "transporte", "empleo", "economía", "censo", "género", "niñez", "seguridad",
        "ocds", "contratos", "licitaciones", "covid-19", "emergencia", "gobierno-abierto",
        "participación", "municipios", "provincias", "estadísticas", "indicadores", "series",
        "agricultura", "pesca", "turismo", "cultura", "deporte", "vivienda", "deuda", "subsidios"]
FORMATS = ["CSV", "CSV", "CSV", "JSON", "XLSX", "PDF", "XML", "ZIP", "GeoJSON", "ODS"]
LICENSES = ["cc-by", "cc-by", "cc-by-sa", "cc-zero", "odc-odbl", "other-open", "notspecified"]
RARE_WORD = "zumbahua"  # appears in about one dataset in 4,000


def stable_id(kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{key}"))


def organization_rows():
    for i in range(ORGANIZATIONS):
        yield {"id": stable_id("org", i), "name": f"institucion-{i:03d}",
               "title": f"Institución pública {i:03d}", "is_organization": True,
               "type": "organization"}


def group_rows():
    for i in range(GROUPS):
        yield {"id": stable_id("group", i), "name": f"tema-{i:02d}", "title": f"Tema {i:02d}",
               "is_organization": False, "type": "group"}


def dataset(i: int) -> dict:
    rng = random.Random(i)
    subject = rng.choice(SUBJECTS_ES)
    place = rng.choice(PLACES)
    english = rng.random() < 0.2
    if english:
        title = f"{rng.choice(KINDS_EN)} {rng.choice(SUBJECTS_EN)} in {place} {2010 + i % 15}"
        notes = " ".join(rng.sample(SENTENCES_EN, 2))
    else:
        title = f"{rng.choice(KINDS_ES)} {subject} en {place} {2010 + i % 15}"
        notes = " ".join(rng.sample(SENTENCES_ES, 3))
    if i % 4000 == 7:
        notes += f" Incluye la parroquia {RARE_WORD.capitalize()}."
    created = datetime.datetime(2015, 1, 1) + datetime.timedelta(minutes=37 * i % (60 * 24 * 3650))
    modified = created + datetime.timedelta(days=rng.randint(0, 400))
    return {
        "id": stable_id("dataset", i),
        "name": f"conjunto-{i:06d}",
        "title": title,
        "notes": notes,
        "license_id": rng.choice(LICENSES),
        "owner_org": stable_id("org", rng.randrange(ORGANIZATIONS)),
        "private": rng.random() < 0.05,
        "metadata_created": created,
        "metadata_modified": modified,
        "tags": sorted(set(rng.sample(TAGS, rng.randint(1, 5)))),
        "groups": sorted({stable_id("group", rng.randrange(GROUPS)) for _ in range(rng.randint(0, 2))}),
        "resources": [rng.choice(FORMATS) for _ in range(rng.randint(1, 3))],
    }


def _copy(connection, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
    buffer.seek(0)
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.copy_expert(f'COPY {table} ({", ".join(columns)}) FROM STDIN', buffer)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def existing_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT count(*) FROM package WHERE name LIKE 'conjunto-%'")).scalar()


def load(engine, size: int, progress=None) -> int:
    """Make the portal hold datasets 0..size-1 (adding only what is missing). Returns how
    many were added."""
    have = existing_count(engine)
    if have > size:
        raise SystemExit(f"the benchmark database holds {have} datasets, more than {size}: "
                         "drop it (dropdb) to measure a smaller portal")
    with engine.begin() as connection:
        if not connection.execute(sa.text("SELECT count(*) FROM \"group\" WHERE name LIKE 'institucion-%'")).scalar():
            groups = list(organization_rows()) + list(group_rows())
            _copy(connection, '"group"', ["id", "name", "title", "state", "type", "is_organization",
                                          "approval_status", "created"],
                  [(g["id"], g["name"], g["title"], "active", g["type"], g["is_organization"],
                    "approved", datetime.datetime(2015, 1, 1)) for g in groups])
            _copy(connection, "tag", ["id", "name"], [(stable_id("tag", n), t) for n, t in enumerate(TAGS)])
    tag_ids = {t: stable_id("tag", n) for n, t in enumerate(TAGS)}
    batch = 5000
    for start in range(have, size, batch):
        stop = min(size, start + batch)
        datasets = [dataset(i) for i in range(start, stop)]
        with engine.begin() as connection:
            _copy(connection, "package", ["id", "name", "title", "notes", "license_id", "owner_org",
                                          "private", "state", "type", "metadata_created",
                                          "metadata_modified", "extras", "plugin_data"],
                  [(d["id"], d["name"], d["title"], d["notes"], d["license_id"], d["owner_org"],
                    d["private"], "active", "dataset", d["metadata_created"],
                    d["metadata_modified"], "{}", "{}") for d in datasets])
            _copy(connection, "package_tag", ["id", "state", "package_id", "tag_id"],
                  [(stable_id("pt", f"{d['id']}-{t}"), "active", d["id"], tag_ids[t])
                   for d in datasets for t in d["tags"]])
            _copy(connection, "member", ["id", "group_id", "table_id", "state", "table_name", "capacity"],
                  [(stable_id("member", f"{d['id']}-{g}"), g, d["id"], "active", "package", "public")
                   for d in datasets for g in d["groups"]]
                  + [(stable_id("orgmember", d["id"]), d["owner_org"], d["id"], "active",
                      "package", "organization") for d in datasets])
            _copy(connection, "resource", ["id", "package_id", "url", "format", "name", "position",
                                           "state", "url_type", "extras", "created", "metadata_modified"],
                  [(stable_id("resource", f"{d['id']}-{n}"), d["id"],
                    f"https://datos.example.gob/{d['name']}/recurso-{n}.{fmt.lower()}", fmt,
                    f"Recurso {n + 1}", n, "active", "", "{}", d["metadata_created"], d["metadata_modified"])
                   for d in datasets for n, fmt in enumerate(d["resources"])])
        if progress:
            progress(stop - have)
    return size - have
