"""What CKAN's pages call the portal's own types ("Añadir compromiso", "Planes de acción").

CKAN derives those words from the type's machine name in English ("Add Commitment",
"Action-plans"), which reads wrong in both languages; ``humanize_entity_type`` is chained to
use these names and phrases instead (see helpers.py).
"""
from __future__ import annotations

from typing import Callable

import ckan.plugins.toolkit as tk


def _names() -> dict[str, tuple[str, str]]:
    """type -> (singular, plural), translated; every singular is masculine in Spanish."""
    return {
        "procurement": (tk._("procurement dataset"), tk._("Public procurement")),
        "commitment": (tk._("commitment"), tk._("Commitments")),
        "action-plan": (tk._("action plan"), tk._("Action plans")),
        # the portal's themes are CKAN groups (schemas/theme.yaml); the EU data themes of
        # DCAT-AP (the `theme` field) are called categories, as datos.gob.es and
        # data.europa.eu call them, so the two never share a name.
        "group": (tk._("theme"), tk._("Themes")),
        # ckanext-harvest's sources are datasets of type "harvest" (activity streams name them).
        "harvest": (tk._("harvested catalogue"), tk._("Harvested catalogues")),
    }


def _phrases() -> dict[str, Callable[[str, str], str]]:
    """purpose (CKAN's humanize_entity_type) -> phrase from (singular, plural)."""
    _ = tk._
    return {
        "add link": lambda one, many: _("Add {name}").format(name=one),
        "add association link": lambda one, many: _("Add to {name}").format(name=one),
        "breadcrumb": lambda one, many: many,
        "content tab": lambda one, many: many,
        "create label": lambda one, many: _("Create {name}").format(name=one),
        "create title": lambda one, many: _("Create {name}").format(name=one),
        "delete confirmation": lambda one, many: _(
            "Are you sure you want to delete this {name}?").format(name=one),
        "description placeholder": lambda one, many: _(
            "A little information about this {name}...").format(name=one),
        "edit label": lambda one, many: _("Edit {name}").format(name=one),
        "facet label": lambda one, many: many,
        "form label": lambda one, many: _("Form of the {name}").format(name=one),
        "main nav": lambda one, many: many,
        "my label": lambda one, many: _("My {names}").format(names=many.lower()),
        "view label": lambda one, many: _("View {name}").format(name=one),
        "name placeholder": lambda one, many: _("my-{name}").format(name=one.replace(" ", "-")),
        "no any objects": lambda one, many: _(
            "There are no {names} on this site yet.").format(names=many.lower()),
        "no associated label": lambda one, many: _(
            "There are no {names} associated with this dataset.").format(names=many.lower()),
        "no description": lambda one, many: _(
            "There is no description for this {name}.").format(name=one),
        "no label": lambda one, many: _("No {name}").format(name=one),
        "page title": lambda one, many: many,
        "save label": lambda one, many: _("Save {name}").format(name=one),
        "search placeholder": lambda one, many: _("Search {names}...").format(names=many.lower()),
        "you not member": lambda one, many: _(
            "You are not a member of any {name}.").format(name=one),
        "user not member": lambda one, many: _(
            "The user is not a member of any {name}.").format(name=one),
        "update label": lambda one, many: _("Update {name}").format(name=one),
    }


# Purposes whose phrase is the bare plural: safe for a type whose Spanish name is feminine
# ("institución"), which the phrases' masculine articles ("este {name}") would misname.
_PLURAL_PURPOSES = frozenset({"breadcrumb", "content tab", "facet label", "main nav",
                              "page title"})


def humanize(object_type: str, purpose: str) -> str | None:
    """The phrase for one of the portal's types, or None for other types (CKAN decides)."""
    if object_type == "organization":  # the menu's word, "Instituciones"/"Institutions"
        return tk._("Institutions") if purpose in _PLURAL_PURPOSES else None
    names = _names().get(object_type)
    if names is None:
        return None
    phrase = _phrases().get(purpose)
    text = phrase(*names) if phrase else names[0]
    return text[:1].upper() + text[1:]


def search_result_text(object_type: str, count: int, query: str | None,
                       number: str) -> str | None:
    """"6 conjuntos de contratación encontrados", 'Ningún compromiso encontrado para "x"': the
    result count of a search page of one of the portal's types, or None for other types."""
    _ = tk._
    if object_type == "procurement":
        if query:
            return (tk.ungettext('{number} procurement dataset found for "{query}"',
                      '{number} procurement datasets found for "{query}"', count)
                    if count else _('No procurement datasets found for "{query}"')
                    ).format(number=number, query=query)
        return (tk.ungettext("{number} procurement dataset found", "{number} procurement datasets found", count)
                if count else _("No procurement datasets found")).format(number=number)
    if object_type == "commitment":
        if query:
            return (tk.ungettext('{number} commitment found for "{query}"',
                      '{number} commitments found for "{query}"', count)
                    if count else _('No commitments found for "{query}"')
                    ).format(number=number, query=query)
        return (tk.ungettext("{number} commitment found", "{number} commitments found", count)
                if count else _("No commitments found")).format(number=number)
    if object_type == "action-plan":
        if query:
            return (tk.ungettext('{number} action plan found for "{query}"',
                      '{number} action plans found for "{query}"', count)
                    if count else _('No action plans found for "{query}"')
                    ).format(number=number, query=query)
        return (tk.ungettext("{number} action plan found", "{number} action plans found", count)
                if count else _("No action plans found")).format(number=number)
    return None
