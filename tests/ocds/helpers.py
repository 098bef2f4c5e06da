"""Procurement datasets for the OCDS tests."""
from __future__ import annotations

from typing import Any

from ckan.tests import factories
from ckan.tests.helpers import call_action


def procurement(user: dict[str, Any], org: dict[str, Any], resources: list[dict[str, Any]] | None = None,
                **fields: Any) -> dict[str, Any]:
    data = {
        "type": "procurement",
        "name": fields.pop("name", "compras-municipio-2024"),
        "title_translated": {"es": "Compras del municipio 2024", "en": "Municipal purchases 2024"},
        "notes_translated": {"es": "Procesos de contratación del municipio.", "en": "Procurement processes."},
        "owner_org": org["id"],
        "license_id": "cc-by",
        "period_end": "2024-12-31",
        "emergency": "false",
        "resources": resources or [],
        **fields,
    }
    return call_action("package_create", {"user": user["name"]}, **data)


def editor_and_org() -> tuple[dict[str, Any], dict[str, Any]]:
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    return user, org
