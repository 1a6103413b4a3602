"""``{% who_needs_help %}``: the findings a person may see, for pages of lower layers (the scorecards)
that may not import elshi.skills; a template names a tag, not a module, so the layers hold."""

from __future__ import annotations

from typing import Any

from django import template

from elshi.skills.help import help_missions, rows_for

register = template.Library()


@register.inclusion_tag("skills/_help_section.html", takes_context=True)
def who_needs_help(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    shown = bool(help_missions(request.user))
    return {"rows": rows_for(request.user, request.LANGUAGE_CODE) if shown else [], "shown": shown}
