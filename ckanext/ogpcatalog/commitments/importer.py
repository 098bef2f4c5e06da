"""Importing OGP's commitments sheet: each row becomes (or updates) a `commitment` dataset in
its `action-plan` group.

One row is one unit of work: it is checked in full (the schema's own validation) before
anything is written, and written by CKAN's actions, each of which commits; a bad row is
reported (row number, column, message in the user's language) and the next row goes on.
Rows are matched to commitments by their OGP identifier, else (rows of another tracker, read
through a column map) by the tracker's own identifier within the row's action plan, and a row
that would change nothing is not written (no new activity).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from babel import Locale
from ckan.lib.munge import munge_tag, munge_title_to_name

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.commitments import sheet as sheet_module
from ckanext.ogpcatalog.commitments import trackers
from ckanext.ogpcatalog.commitments.sheet import Record, Sheet
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.logic import json_input

Outcome = str  # "created" | "updated" | "unchanged" | "error"
OUTCOMES = ("created", "updated", "unchanged", "error")

# Schema field -> the sheet column its errors are reported on.
_FIELD_COLUMN = {
    "ogp_id": "ogp_id", "name": "ogp_id",
    "title_translated": "title", "title": "title",
    "short_title": "short_title",
    "notes_translated": "full_text", "notes": "full_text",
    "lead_institution": "lead_institution", "lead_institution_name": "lead_institution",
    "owner_org": "lead_institution",
    "supporting_institutions": "supporting_institutions",
    "tags": "theme", "tag_string": "theme",
    "action_plan": "country",
    "start_date": "start_date", "end_date": "end_date",
    "tracker_id": "tracker_id", "problem": "problem", "commitment_status": "commitment_status",
    "milestones": "milestones",
    **{field: field for field in sheet_module.IRM_FIELDS},
}


@dataclasses.dataclass
class RowReport:
    row: int
    ogp_id: str
    outcome: Outcome = "unchanged"
    name: str | None = None
    action_plan: str | None = None
    changed: list[str] = dataclasses.field(default_factory=list)
    errors: list[dict[str, str]] = dataclasses.field(default_factory=list)
    warnings: list[dict[str, str]] = dataclasses.field(default_factory=list)
    tracker_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class RowFailed(Exception):
    """A row cannot be imported; the errors are in its report."""


def _norm(text: Any) -> str:
    return sheet_module.normalise(str(text or ""))


# --- what the portal holds ----------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _country_names(_language_pair: tuple[str, ...] = ("es", "en")) -> frozenset[str]:
    names = set()
    for language in _language_pair:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.add(_norm(name))
    return frozenset(names)


class Portal:
    """The institutions and action plans of the portal, read once per import."""

    def __init__(self) -> None:
        self.institutions: dict[str, str] = {}  # normalised name or title -> organization name
        for org in model.Session.query(model.Group).filter(
                model.Group.is_organization.is_(True), model.Group.state == "active"):
            extras = org.extras or {}
            titles = [org.name, org.title, *bilingual.loads(extras.get("title_translated")).values()]
            for title in titles:
                if title:
                    self.institutions.setdefault(_norm(title), org.name)
        self.plans: list[dict[str, Any]] = []
        for group in model.Session.query(model.Group).filter(
                model.Group.type == "action-plan", model.Group.state == "active"):
            self.plans.append(self._plan(group))

    @staticmethod
    def _plan(group: Any) -> dict[str, Any]:
        extras = group.extras or {}
        return {"name": group.name, "country": _norm(extras.get("country_or_locality")),
                "number": str(extras.get("plan_number") or ""),
                "start": str(extras.get("period_start") or "")[:4],
                "end": str(extras.get("period_end") or "")[:4]}

    def institution(self, text: str) -> str | None:
        """The organization a name designates: by name or title in either language, accents
        and case aside; "Name (ACRONYM)" also by the name alone or the acronym."""
        candidates = [text]
        if match := re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", text):
            candidates += [match.group(1), match.group(2)]
        for candidate in candidates:
            if found := self.institutions.get(_norm(candidate)):
                return found
        return None

    def plan_for(self, values: dict[str, Any]) -> str | None:
        country = _norm(values.get("country"))
        number = values.get("plan_number") or ""
        start, end = values.get("submission_year") or "", values.get("end_year") or ""
        for plan in self.plans:
            if plan["country"] != country:
                continue
            if number and plan["number"] and plan["number"] != number:
                continue
            if start and plan["start"] and plan["start"] != start:
                continue
            if end and plan["end"] and plan["end"] != end:
                continue
            if (number and plan["number"]) or (start and plan["start"]) or not (number or start or end):
                return plan["name"]
        return None


def find_commitment(ogp_id: str) -> model.Package | None:
    """The dataset (not deleted) with this OGP identifier."""
    return model.Session.query(model.Package).filter(
        model.Package.extras["ogp_id"].astext == ogp_id,
        model.Package.state != model.State.DELETED,
    ).first()


def find_tracked(tracker_id: str, action_plan: str | None) -> model.Package | None:
    """The commitment (not deleted) of this action plan with this identifier of its tracker."""
    if not tracker_id or not action_plan:
        return None
    return model.Session.query(model.Package).filter(
        model.Package.extras["tracker_id"].astext == tracker_id,
        model.Package.extras["action_plan"].astext == action_plan,
        model.Package.type == "commitment",
        model.Package.state != model.State.DELETED,
    ).first()


def _merged_milestones(old: list[dict[str, Any]], new: list[dict[str, Any]],
                       language: str) -> list[dict[str, Any]]:
    """The tracker's milestones, in its order; the portal's milestone at the same place keeps
    what the tracker does not give (evidence, the other language, the status)."""
    merged = []
    for index, milestone in enumerate(new):
        kept = dict(old[index]) if index < len(old) else {}
        kept["description"] = _merged(kept.get("description"), language, milestone["description"])
        for field in ("start_date", "end_date", "status"):
            if milestone.get(field):
                kept[field] = milestone[field]
            elif field != "status":
                kept.pop(field, None)
        merged.append({k: v for k, v in kept.items() if v not in (None, "", [])})
    return merged


def _free_name(base: str, taken: Callable[[str], bool]) -> str:
    base = base[:90].strip("-")
    name, counter = base, 1
    while taken(name):
        counter += 1
        name = f"{base}-{counter}"
    return name


def _package_name_taken(name: str) -> bool:
    return model.Session.query(model.Package.id).filter(model.Package.name == name).first() is not None


def _group_name_taken(name: str) -> bool:
    return model.Session.query(model.Group.id).filter(model.Group.name == name).first() is not None


def _plan_data(values: dict[str, Any]) -> dict[str, Any]:
    """A new action plan from a row: its name from the country and the years (or number),
    its title in both languages."""
    country = values["country"].strip()
    number = values.get("plan_number") or ""
    start, end = values.get("submission_year") or "", values.get("end_year") or ""
    years = f"{start}-{end}" if start and end else start or end
    slug = munge_title_to_name(country)
    base = f"{slug}-{years}" if years else f"{slug}-plan-{number}" if number else slug
    title_es = f"Plan de Acción de Gobierno Abierto de {country}"
    title_en = f"{country} Open Government Action Plan"
    if number:
        title_es, title_en = f"{title_es} n.º {number}", f"{title_en} No. {number}"
    if years:
        title_es, title_en = f"{title_es} {years}", f"{title_en} {years}"
    data: dict[str, Any] = {
        "type": "action-plan",
        "name": _free_name(base, _group_name_taken),
        "title_translated": {"es": title_es, "en": title_en},
        "country_or_locality": country,
        "plan_scope": "national" if _norm(country) in _country_names() else "local",
    }
    if number:
        data["plan_number"] = number
    if start:
        data["period_start"] = f"{start}-01-01"
    if end:
        data["period_end"] = f"{end}-12-31"
    return data


# --- a row as fields of the schema --------------------------------------------------------

def _merged(old: Any, language: str, text: str) -> dict[str, str]:
    value = dict(bilingual.loads(old)) if old else {}
    if text:
        value[language] = text
    else:
        value.pop(language, None)
    return value


def desired_fields(values: dict[str, Any], existing: dict[str, Any], language: str,
                   portal: Portal, report: RowReport, sheet: Sheet) -> dict[str, Any]:
    """The fields a row sets, merged with what the commitment holds (the other language of
    bilingual texts, the kinds of supporting institutions). Only the file's columns count."""
    fields: dict[str, Any] = {}
    for key, field in (("title", "title_translated"), ("short_title", "short_title"),
                       ("full_text", "notes_translated"), ("problem", "problem")):
        if key in values:
            fields[field] = _merged(existing.get(field), language, values[key])
    if "lead_institution" in values:
        text = values["lead_institution"]
        found = portal.institution(text) if text else None
        fields["lead_institution"] = found or ""
        fields["lead_institution_name"] = _merged(existing.get("lead_institution_name"), language, text)
        if text and not found:
            report.warnings.append({
                "field": sheet.header("lead_institution"),
                "message": tk._("Institution not found on the portal, kept as text: {name}")
                .format(name=text)})
    if "supporting_institutions" in values:
        kinds = {item.get("name"): item.get("kind") for item in existing.get("supporting_institutions") or []}
        fields["supporting_institutions"] = [
            {"name": name, **({"kind": kinds[name]} if kinds.get(name) else {})}
            for name in values["supporting_institutions"]]
    if "theme" in values:
        tags = []
        for theme in values["theme"]:
            tag = munge_tag(theme) if not re.fullmatch(r"[\w \-.]{2,100}", theme) else theme
            if tag not in tags:
                tags.append(tag)
        fields["tags"] = [{"name": tag} for tag in tags]
    for key, codelist in (("ogp_values", "ogp-value"), ("policy_areas", "ogp-policy-area")):
        if key in values:
            kept = set(existing.get(key) or []) - set(values[f"{key}_columns"])
            chosen = kept | set(values[key])
            fields[key] = [code.code for code in codelists.get(codelist).codes if code.code in chosen]
    for key in ("start_date", "end_date", *sheet_module.IRM_FIELDS, "tracker_id",
                "commitment_status"):
        if key in values:
            fields[key] = values[key]
    if values.get("ogp_id") and existing and existing.get("ogp_id") != values["ogp_id"]:
        fields["ogp_id"] = values["ogp_id"]  # a commitment of a tracker whose OGP code is known now
    if "milestones" in values:
        fields["milestones"] = _merged_milestones(existing.get("milestones") or [],
                                                  values["milestones"], language)
    return fields


def _comparable(field: str, value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if field in ("title_translated", "short_title", "notes_translated", "lead_institution_name",
                 "problem"):
        return {k: v.strip() for k, v in bilingual.loads(value).items() if v and v.strip()} or None
    if field == "milestones":
        return [(_comparable("problem", item.get("description")),
                 *(str(item.get(k) or "")[:10] or None for k in ("start_date", "end_date")),
                 item.get("status") or None, item.get("evidence_url") or None,
                 sorted(item.get("evidence_datasets") or []))
                for item in value]
    if field == "tags":
        return sorted(tag["name"] if isinstance(tag, dict) else str(tag) for tag in value)
    if field in ("ogp_values", "policy_areas"):
        return sorted(value if isinstance(value, list) else sheet_module.split_list(str(value)))
    if field == "supporting_institutions":
        return [(item.get("name"), item.get("kind") or None) for item in value]
    if field in ("start_date", "end_date"):
        return str(value)[:10]
    return str(value)


def changed_fields(existing: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    return [field for field, value in fields.items()
            if _comparable(field, existing.get(field)) != _comparable(field, value)]


# --- validation without writing -----------------------------------------------------------

def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in _flatten(value)]
    return [str(messages)]


def _report_errors(report: RowReport, error_dict: dict[str, Any], sheet: Sheet) -> None:
    for field, messages in error_dict.items():
        column = _FIELD_COLUMN.get(field)
        if column is None and field in ("ogp_values", "policy_areas"):
            prefix = "value:" if field == "ogp_values" else "area:"
            column = next((key for key in sheet.keys.values() if key.startswith(prefix)), field)
        header = sheet.header(column) if column else field
        for message in _flatten(messages):
            report.errors.append({"field": header, "message": message})


def validate(context: dict[str, Any], data: dict[str, Any], package: model.Package | None,
             skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The schema's errors for ``data`` (as package_create/package_update would give them),
    without writing anything."""
    plugin = lib_plugins.lookup_package_plugin("commitment")
    action = "package_update" if package is not None else "package_create"
    schema = plugin.update_package_schema() if package is not None else plugin.create_package_schema()
    validation_context = {"model": model, "session": model.Session, "user": context.get("user"),
                          "ignore_auth": True}
    if package is not None:
        validation_context["package"] = package
    _data, errors = lib_plugins.plugin_validate(plugin, validation_context, dict(data), schema, action)
    return {field: messages for field, messages in errors.items() if field not in skip and messages}


# --- the import ---------------------------------------------------------------------------

@dataclasses.dataclass
class Options:
    dry_run: bool = False
    action_plan: str | None = None      # every row into this plan
    owner_org: str | None = None        # publishing institution when the lead one is unknown
    language: str = "es"                # language of the sheet's texts


class Importer:
    def __init__(self, context: dict[str, Any], sheet: Sheet, options: Options):
        self.user = context.get("user")
        self.sheet = sheet
        self.options = options
        self.portal = Portal()
        self.planned: dict[tuple[str, ...], str] = {}   # plans created (or, dry, to create)
        self.plans_created: list[str] = []
        self.virtual_plans: set[str] = set()

    def _context(self) -> dict[str, Any]:
        return {"user": self.user}

    def run(self, progress: Callable[[RowReport], None] | None = None) -> list[RowReport]:
        reports: list[RowReport] = []
        seen: dict[str, int] = {}
        for row_number, row in self.sheet.rows:
            report = self.import_row(sheet_module.parse_row(row_number, row, self.sheet.whole), seen)
            reports.append(report)
            if progress:
                progress(report)
        return reports

    def import_row(self, record: Record, seen: dict[str, int]) -> RowReport:
        values = record.values
        report = RowReport(record.row, values.get("ogp_id", ""),
                           tracker_id=values.get("tracker_id", ""))
        try:
            for error in record.errors:
                report.errors.append({"field": self.sheet.header(error.key), "message": str(error)})
            for warning in record.warnings:
                report.warnings.append({"field": self.sheet.header(warning.key),
                                        "message": str(warning)})
            ogp_id = values.get("ogp_id")
            # The tracker's identifiers apart from OGP's (a tracker may number its rows 1, 2...).
            key, column = (ogp_id, "ogp_id") if ogp_id else (
                "\x00" + values.get("tracker_id", ""), "tracker_id")
            if key.strip("\x00") and key in seen:
                report.errors.append({"field": self.sheet.header(column), "message": tk._(
                    "Duplicate identifier {value}: already in row {row}").format(
                        value=key.strip("\x00"), row=seen[key])})
            elif key.strip("\x00"):
                seen[key] = record.row
            if report.errors:
                raise RowFailed()
            self._write(values, report)
        except RowFailed:
            model.Session.rollback()
            report.outcome = "error"
        except tk.ValidationError as error:
            model.Session.rollback()
            _report_errors(report, error.error_dict, self.sheet)
            report.outcome = "error"
        except Exception as error:  # noqa: BLE001 - one bad row never stops the import
            model.Session.rollback()
            report.errors.append({"field": "", "message": tk._("Unexpected error: {error}")
                                  .format(error=error)})
            report.outcome = "error"
        return report

    def _plan_name(self, values: dict[str, Any], report: RowReport) -> tuple[str | None, dict | None]:
        """The action plan of a row, and the new plan to create when there is none yet."""
        if self.options.action_plan:
            return self.options.action_plan, None
        if not (values.get("country") or "").strip():
            report.errors.append({"field": self.sheet.header("country"), "message": tk._("Missing value")})
            raise RowFailed()
        key = (_norm(values["country"]), values.get("plan_number") or "",
               values.get("submission_year") or "", values.get("end_year") or "")
        if key in self.planned:
            return self.planned[key], None
        existing = self.portal.plan_for(values)
        if existing:
            return existing, None
        data = _plan_data(values)
        return data["name"], data

    def _write(self, values: dict[str, Any], report: RowReport) -> None:
        plan, new_plan = self._plan_name(values, report)
        package = find_commitment(values["ogp_id"]) if values.get("ogp_id") else None
        if package is None and not new_plan:
            package = find_tracked(values.get("tracker_id", ""), plan)
        existing = tk.get_action("package_show")({"ignore_auth": True}, {"id": package.id}) if package else {}
        report.action_plan = plan
        fields = desired_fields(values, existing, self.options.language, self.portal, report, self.sheet)
        if plan and plan != existing.get("action_plan"):
            fields["action_plan"] = plan
        if package is None:
            data = self._new_commitment(values, fields, report)
        else:
            report.name = package.name
            if existing.get("type") != "commitment":
                report.errors.append({"field": self.sheet.header("ogp_id"), "message": tk._(
                    "The dataset {name} has this identifier but is not a commitment")
                    .format(name=package.name)})
                raise RowFailed()
            report.changed = changed_fields(existing, fields)
            if not report.changed:
                report.outcome = "unchanged"
                return
            data = {**existing, **{field: fields[field] for field in report.changed}}
        # A plan this dry run would create does not exist: its check waits for the real run.
        skip = ("action_plan",) if new_plan or plan in self.virtual_plans else ()
        errors = validate(self._context(), data, package, skip)
        if errors:
            _report_errors(report, errors, self.sheet)
            raise RowFailed()
        report.outcome = "created" if package is None else "updated"
        if new_plan:
            self.planned[(_norm(values["country"]), values.get("plan_number") or "",
                          values.get("submission_year") or "", values.get("end_year") or "")] = plan
        if self.options.dry_run:
            if new_plan:
                self.plans_created.append(plan)
                self.virtual_plans.add(plan)
            return
        if new_plan:
            tk.get_action("group_create")(self._context(), new_plan)
            self.plans_created.append(plan)
        if package is None:
            tk.get_action("package_create")(self._context(), data)
        else:
            tk.get_action("package_patch")(self._context(), {
                "id": package.id, **{field: fields[field] for field in report.changed}})

    def _new_commitment(self, values: dict[str, Any], fields: dict[str, Any],
                        report: RowReport) -> dict[str, Any]:
        owner = fields.get("lead_institution") or self.options.owner_org or tk.config.get(
            "ckanext.ogpcatalog.commitments.default_owner_org")
        if not owner:
            report.warnings.clear()  # the error says it
            report.errors.append({"field": self.sheet.header("lead_institution"), "message": tk._(
                "No institution of the portal matches “{name}”: give a default publishing "
                "institution (owner_org) to import this commitment").format(
                    name=values.get("lead_institution") or "")})
            raise RowFailed()
        title = bilingual.pick(fields.get("short_title") or fields.get("title_translated") or {},
                               self.options.language)[0]
        base = munge_title_to_name(f"{values.get('ogp_id', '')} {title}".strip())[:60].strip("-")
        report.name = _free_name(base or "commitment", _package_name_taken)
        data = {"type": "commitment", "name": report.name, "owner_org": owner, **fields}
        if values.get("ogp_id"):
            data["ogp_id"] = values["ogp_id"]
        return data


# --- a whole file, as the action (or its background job) imports it ---------------------

def read_file(work: dict[str, Any]) -> tuple[Sheet, Options]:
    """The sheet and the options of an import described by ``work`` (the import action's
    validated input: ``csv``, ``columns``, ``column_map``, ``dry_run``, ``action_plan``,
    ``owner_org``, ``language``, ``language_given``).

    :raises tk.ValidationError: the file cannot be read (naming ``csv`` or ``column_map``)
    """
    options = Options(dry_run=work["dry_run"], action_plan=work.get("action_plan"),
                      owner_org=work.get("owner_org"), language=work["language"])
    content = work["csv"]
    if not (isinstance(content, bytes) and content[:4] == b"PK\x03\x04"):  # not a workbook
        try:
            json_input.check_nesting(sheet_module.decode(content))
        except json_input.TooDeep as error:
            raise tk.ValidationError({"csv": [str(error)]}) from None
    required = [key for key in sheet_module.REQUIRED if not (key == "country" and options.action_plan)]
    try:
        parsed = trackers.read(content, work["columns"], required, work.get("column_map"))
    except trackers.ColumnMapError as error:
        raise tk.ValidationError({"column_map": [str(error)]}) from None
    except sheet_module.SheetError as error:
        raise tk.ValidationError({"csv": [str(error)]}) from None
    if parsed.language and not work.get("language_given"):
        options.language = parsed.language  # the tracker's language unless one is given
    if parsed.missing:
        message = tk._("Required columns missing: {columns}").format(
            columns=", ".join(sheet_module.header_of(key) for key in parsed.missing))
        if parsed.unknown:
            message += ". " + tk._("Unknown columns: {columns}").format(
                columns=", ".join(parsed.unknown))
        raise tk.ValidationError({"csv": [message]})
    return parsed, options


def run_file(user: str | None, work: dict[str, Any],
             progress: Callable[[dict[str, Any]], None] | None = None,
             read: tuple[Sheet, Options] | None = None) -> dict[str, Any]:
    """Import the file of ``work`` (see :func:`read_file`) as ``user``: the import action's
    answer. ``progress`` receives each row's report as it is done."""
    parsed, options = read or read_file(work)
    run = Importer({"user": user}, parsed, options)
    reports = run.run(progress=(lambda report: progress(report.as_dict())) if progress else None)
    return {
        "dry_run": options.dry_run,
        "counts": summary(reports),
        "rows": [report.as_dict() for report in reports],
        "columns": {"known": [parsed.headers[i] for i in sorted(parsed.keys)],
                    "unknown": parsed.unknown},
        "column_map": parsed.column_map,
        "action_plans_created": run.plans_created,
    }


def summary(reports: list[RowReport]) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOMES}
    for report in reports:
        counts[report.outcome] += 1
    return counts
