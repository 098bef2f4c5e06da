"""What the data says about itself: the figures a procurement dataset declares.

Releases, distinct OCIDs and their prefixes, the date range, stages (from release tags and, for
compiled releases, from the sections present), methods, categories and totals per currency.
Totals count each award or contract once (its latest release wins), so a release package that
repeats a contract in several releases is not double-counted.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from ckanext.ogpcatalog.ocds import detect

OCID_PREFIX = re.compile(r"^(ocds-[a-z0-9]{6})", re.IGNORECASE)

# Release tags (OCDS releaseTag codelist) by the stage they belong to (our ocds-stage codelist).
TAG_STAGES = {
    "planning": "planning", "planningUpdate": "planning",
    "tender": "tender", "tenderAmendment": "tender", "tenderUpdate": "tender",
    "tenderCancellation": "tender",
    "award": "award", "awardUpdate": "award", "awardCancellation": "award",
    "contract": "contract", "contractUpdate": "contract", "contractAmendment": "contract",
    "contractTermination": "contract",
    "implementation": "implementation", "implementationUpdate": "implementation",
}
STAGE_ORDER = ("planning", "tender", "award", "contract", "implementation")


def releases_of(value: Any, kind: str) -> Iterable[dict]:
    """The releases with data of one JSON value (compiled releases of records, or their
    embedded releases when there is no compiled release)."""
    if kind == detect.RELEASE_PACKAGE:
        items = value.get("releases")
        yield from (r for r in (items if isinstance(items, list) else []) if isinstance(r, dict))
    elif kind == detect.RECORD_PACKAGE:
        items = value.get("records")
        for record in items if isinstance(items, list) else []:
            if isinstance(record, dict):
                yield from releases_of(record, detect.RECORD)
    elif kind == detect.RECORD:
        compiled = value.get("compiledRelease")
        if isinstance(compiled, dict):
            yield compiled
        else:
            embedded = value.get("releases")
            for release in embedded if isinstance(embedded, list) else []:
                # Linked releases (url, date, tag) carry no data.
                if isinstance(release, dict) and "ocid" in release:
                    yield release
    elif kind in (detect.RELEASE, detect.COMPILED_RELEASE):
        yield value


def _count(value: Any, kind: str) -> tuple[int, int]:
    """(releases, records) as the file holds them."""
    if kind == detect.RELEASE_PACKAGE:
        releases = value.get("releases")
        return (len(releases) if isinstance(releases, list) else 0), 0
    if kind == detect.RECORD_PACKAGE:
        records = value.get("records")
        return 0, (len(records) if isinstance(records, list) else 0)
    if kind == detect.RECORD:
        return 0, 1
    return 1, 0


def _amount(value: Any) -> tuple[str, Decimal] | None:
    if not isinstance(value, dict):
        return None
    currency, amount = value.get("currency"), value.get("amount")
    if not isinstance(currency, str) or not currency or isinstance(amount, bool):
        return None
    try:
        number = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    return currency.upper(), number


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(value: Any) -> str:
    return value if isinstance(value, str) and _DATE.match(value) else ""


def summarize(values: list[Any], kinds: list[str]) -> dict[str, Any]:
    releases_total = records_total = 0
    ocids: set[str] = set()
    prefixes: set[str] = set()
    tags: set[str] = set()
    stages: set[str] = set()
    methods: set[str] = set()
    categories: set[str] = set()
    date_start = date_end = ""
    # (ocid, id) -> (date, currency, amount): the latest release's value of each award/contract.
    awards: dict[tuple[str, str], tuple[str, str, Decimal]] = {}
    contracts: dict[tuple[str, str], tuple[str, str, Decimal]] = {}

    for value, kind in zip(values, kinds):
        releases, records = _count(value, kind)
        releases_total += releases
        records_total += records
        if kind == detect.RECORD_PACKAGE:
            for record in value.get("records") or []:
                if isinstance(record, dict) and isinstance(record.get("ocid"), str):
                    ocids.add(record["ocid"])
        for release in releases_of(value, kind):
            ocid = release.get("ocid")
            if isinstance(ocid, str) and ocid:
                ocids.add(ocid)
            else:
                ocid = ""
            date = _date(release.get("date"))
            if date:
                date_start = min(date_start, date) if date_start else date
                date_end = max(date_end, date)
            tag = release.get("tag")
            for item in tag if isinstance(tag, list) else []:
                if isinstance(item, str):
                    tags.add(item)
                    if item in TAG_STAGES:
                        stages.add(TAG_STAGES[item])
            if isinstance(tag, list) and "compiled" in tag or kind == detect.RECORD:
                stages.update(_sections(release))
            tender = release.get("tender")
            if isinstance(tender, dict):
                if isinstance(tender.get("procurementMethod"), str):
                    methods.add(tender["procurementMethod"])
                if isinstance(tender.get("mainProcurementCategory"), str):
                    categories.add(tender["mainProcurementCategory"])
            for name, seen in (("awards", awards), ("contracts", contracts)):
                items = release.get(name)
                for position, item in enumerate(items if isinstance(items, list) else []):
                    if not isinstance(item, dict):
                        continue
                    money = _amount(item.get("value"))
                    if money is None:
                        continue
                    key = (ocid, str(item.get("id", position)))
                    previous = seen.get(key)
                    if previous is None or date >= previous[0]:
                        seen[key] = (date, *money)

    for ocid in ocids:
        match = OCID_PREFIX.match(ocid)
        if match:
            prefixes.add(match.group(1))

    return {
        "releases": releases_total,
        "records": records_total,
        "ocids": len(ocids),
        "ocid_prefixes": sorted(prefixes),
        "date_start": date_start[:10] if date_start else None,
        "date_end": date_end[:10] if date_end else None,
        "tags": sorted(tags),
        "stages": [stage for stage in STAGE_ORDER if stage in stages],
        "methods": sorted(methods),
        "categories": sorted(categories),
        "award_totals": _totals(awards.values()),
        "contract_totals": _totals(contracts.values()),
    }


def _sections(release: dict) -> set[str]:
    found = {stage for stage in ("planning", "tender") if isinstance(release.get(stage), dict) and release[stage]}
    if release.get("awards"):
        found.add("award")
    contracts = release.get("contracts")
    if contracts:
        found.add("contract")
        if any(isinstance(c, dict) and c.get("implementation") for c in contracts if isinstance(contracts, list)):
            found.add("implementation")
    return found


def _totals(items: Iterable[tuple[str, str, Decimal]]) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for _date_, currency, amount in items:
        sums[currency] = sums.get(currency, Decimal(0)) + amount
        counts[currency] = counts.get(currency, 0) + 1
    return [{"currency": c, "amount": str(sums[c]), "count": counts[c]} for c in sorted(sums)]
