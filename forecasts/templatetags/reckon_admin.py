"""The admin's date drill-down, its first level read without a pass over every row.

Django's ``{% date_hierarchy cl %}`` starts a changelist with nothing chosen by
reading the first and last dates of every row it lists, then every row's year
(a ``DISTINCT`` over the whole table): 320 ms of the forecasts' changelist at a
million forecasts, on every visit. ``{% years_drilldown cl %}`` asks the model
admin first (``hierarchy_years(cl)``, the years in the current time zone, or
None) and, when it knows them, links them as Django's own tag does; any other
level, and any admin or list it cannot answer for, is Django's own tag.
"""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


def years_drilldown(cl) -> dict | None:
    """The context Django's ``date_hierarchy`` gives, its years read by the admin
    when it can give them and more than one (one year opens on its months)."""
    field_generic = f"{cl.date_hierarchy}__"
    chosen = any(name.startswith(field_generic) for name in cl.params)
    read = getattr(cl.model_admin, "hierarchy_years", None)
    years = None if chosen or read is None else read(cl)
    if years is None or len(years) == 1:
        return date_hierarchy(cl)
    year_field = f"{cl.date_hierarchy}__year"
    return {
        "show": True,
        "back": None,
        "choices": [
            {
                "link": cl.get_query_string({year_field: str(year)}, [field_generic]),
                "title": str(year),
            }
            for year in years
        ],
    }


@register.tag(name="years_drilldown")
def years_drilldown_tag(parser, token):
    # As Django registers its own ``date_hierarchy``; django-stubs' signature has a
    # ``name`` first that Django's does not.
    return InclusionAdminNode(  # type: ignore[call-arg]
        parser,
        token,
        func=years_drilldown,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
