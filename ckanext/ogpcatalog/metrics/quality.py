"""The quality score the data.europa.eu way (issue 20): the 30 "DCAT-AP compliance" points of
the interoperability dimension come from a SHACL run per dataset.

data.europa.eu's Metadata Quality Assessment gives a dataset its 30 compliance points when its
metadata validates against the DCAT-AP SHACL shapes. Here, :func:`check` serialises each
dataset to RDF exactly as its ``/dataset/<name>.ttl`` endpoint does (the configured ckanext-dcat
profiles), validates it with pySHACL against the shapes of
``ckanext.ogpcatalog.quality.shacl_shapes`` (e.g. SEMIC's DCAT-AP 3.0.1 shapes file) and
stores the result in ``ogpcatalog_dataset_shacl`` with the ``metadata_modified`` it was run on
and a digest of the shapes. The dataset facts (``metrics/sql.py``) count the stored result
while both still match: a dataset edited since, or one never checked, falls back to the
former rule (title, description and every resource's URL present) until the next run
(``ckan ogpcatalog metrics shacl-check``, or the ``shacl`` job of ``ckan ogpcatalog
schedule``). Each stored result marks the dataset's facts stale, so the next read of the
indicators counts it.

The other interoperability points (format, media type, format of the vocabulary,
non-proprietary, machine-readable: 80) are those of the dataset's best distribution, as the
MQA scores them (``metrics/sql.py``). :func:`dataset_points` gives a dataset's stored points,
which ``dcat/profile/quality.py`` publishes as W3C DQV.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import logging
from pathlib import Path
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
import rdflib
import sqlalchemy as sa
from rdflib import Namespace
from rdflib.namespace import RDF

from ckanext.ogpcatalog.metrics import facts
from ckanext.ogpcatalog.metrics.model import FACTS_TABLE, SHACL_TABLE

log = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_KEY = "ckanext.ogpcatalog.quality.shacl_shapes"
COMPLIANCE_POINTS = 30


class ShapesUnavailable(RuntimeError):
    """No SHACL shapes configured, or the file cannot be read (the message says which)."""


@functools.lru_cache(maxsize=4)
def _load_shapes(path: str, _mtime: float) -> tuple[rdflib.Graph, str]:
    data = Path(path).read_bytes()
    shapes = rdflib.Graph().parse(data=data, format=rdflib.util.guess_format(path) or "turtle")
    # SEMIC 3.0.1's DataServiceShape names a property shape the file does not define: pySHACL
    # refuses any graph holding a dcat:DataService unless the reference goes
    for shape, _p, property_shape in list(shapes.triples((None, SH.property, None))):
        if not list(shapes.triples((property_shape, SH.path, None))):
            shapes.remove((shape, SH.property, property_shape))
    return shapes, hashlib.sha256(data).hexdigest()[:16]


def shapes_graph() -> tuple[rdflib.Graph, str]:
    """The configured shapes and their digest.

    :raises ShapesUnavailable: none configured, or the file is missing or not RDF.
    """
    path = str(tk.config.get(SHAPES_KEY) or "").strip()
    if not path:
        raise ShapesUnavailable(tk._("No SHACL shapes are configured ({key}).").format(
            key=SHAPES_KEY))
    try:
        return _load_shapes(path, Path(path).stat().st_mtime)
    except (OSError, ValueError, SyntaxError) as error:  # rdflib raises several kinds
        raise ShapesUnavailable(tk._("The SHACL shapes at {path} cannot be read: {error}")
                                .format(path=path, error=error)) from error


def dataset_graph(dataset_dict: dict[str, Any]) -> rdflib.Graph:
    """The dataset's RDF as its own endpoint serves it (the configured profiles)."""
    from ckanext.dcat.processors import RDFSerializer  # ckanext-dcat's, loads the profiles

    serializer = RDFSerializer()
    serializer.graph_from_dataset(dataset_dict)
    return serializer.g


def validate(graph: rdflib.Graph, shapes: rdflib.Graph) -> int:
    """The number of SHACL violations of ``graph`` (warnings do not count)."""
    from pyshacl import validate as shacl_validate

    _conforms, report, _text = shacl_validate(graph, shacl_graph=shapes, inference="none",
                                              advanced=True, allow_warnings=True)
    return sum(1 for result in report.subjects(RDF.type, SH.ValidationResult)
               if report.value(result, SH.resultSeverity) == SH.Violation)


PENDING = f"""
SELECT p.id, p.metadata_modified FROM package p
LEFT JOIN {SHACL_TABLE} s ON s.package_id = p.id
WHERE p.state = 'active' AND p.type <> 'harvest'
  AND (CAST(:force AS boolean) OR s.package_id IS NULL
       OR s.metadata_modified IS DISTINCT FROM p.metadata_modified OR s.shapes <> :shapes)
  AND (CAST(:ids AS text[]) IS NULL OR p.id = ANY(CAST(:ids AS text[]))
       OR p.name = ANY(CAST(:ids AS text[])))
ORDER BY p.metadata_modified DESC, p.id
LIMIT :limit"""

UPSERT = f"""
INSERT INTO {SHACL_TABLE} (package_id, metadata_modified, conforms, violations, shapes, checked)
VALUES (:id, :modified, :conforms, :violations, :shapes, :checked)
ON CONFLICT (package_id) DO UPDATE SET metadata_modified = EXCLUDED.metadata_modified,
  conforms = EXCLUDED.conforms, violations = EXCLUDED.violations, shapes = EXCLUDED.shapes,
  checked = EXCLUDED.checked"""


def check(ids: list[str] | None = None, limit: int = 1000, force: bool = False,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Run the shapes on the datasets not checked since their last change (or ``ids``,
    names or ids; ``force``: again); store each result and mark the dataset's facts stale.
    One commit per dataset: an interruption keeps what was checked.

    :raises ShapesUnavailable: see :func:`shapes_graph`.
    """
    shapes, digest = shapes_graph()
    rows = model.Session.execute(sa.text(PENDING), {
        "force": force, "shapes": digest, "ids": ids or None, "limit": limit}).all()
    counts = {"checked": 0, "conforming": 0, "failed": 0}
    for row in rows:
        try:
            dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": row.id})
            violations = validate(dataset_graph(dataset), shapes)
        except Exception:  # one dataset that cannot be written must not stop the run
            log.exception("SHACL check of dataset %s failed", row.id)
            model.Session.rollback()
            counts["failed"] += 1
            continue
        model.Session.execute(sa.text(UPSERT), {
            "id": row.id, "modified": row.metadata_modified, "conforms": violations == 0,
            "violations": violations, "shapes": digest,
            "checked": datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)})
        facts.mark_stale(row.id)
        model.Session.commit()
        counts["checked"] += 1
        counts["conforming"] += violations == 0
        if progress:
            progress(1)
    return counts


def dataset_points(package_id: str | None) -> dict[str, Any] | None:
    """The dataset's stored quality points (its facts) and, when its last SHACL result is for
    its current metadata, whether it conforms; None without facts."""
    if not package_id:
        return None
    try:
        row = model.Session.execute(sa.text(f"""
            SELECT f.findability, f.accessibility, f.interoperability, f.reusability,
                   f.contextuality, f.score, s.conforms AS dcat_ap_compliant
            FROM {FACTS_TABLE} f
            JOIN package p ON p.id = f.package_id
            LEFT JOIN {SHACL_TABLE} s ON s.package_id = f.package_id
                 AND s.metadata_modified = p.metadata_modified
            WHERE f.package_id = :id"""), {"id": package_id}).first()
    except sa.exc.ProgrammingError:  # the metrics tables are not there (no migration run)
        model.Session.rollback()
        return None
    return dict(row._mapping) if row is not None else None
