"""What the post page shows of clearance: steps, decisions, and what this person may do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from elshi.clearance.forms import DecisionForm
from elshi.clearance.models import Clearance
from elshi.clearance.workflow import can_decide, current_eligible, open_clearance
from elshi.content.models import Post
from elshi.missions.permissions import Perm, has_perm


def steps_view(clearance: Clearance) -> list[dict[str, Any]]:
    User = get_user_model()
    rows = []
    for index, step in enumerate(clearance.steps_snapshot):
        decisions = [d for d in clearance.decisions.all() if d.step == step["order"]]
        if step["people"]:
            who = ", ".join(User.objects.filter(pk__in=step["people"]).values_list("username", flat=True))
        else:
            who = f"{step['role']} @ {'HQ' if step['at_hq'] else clearance.post.mission.slug}"
        state = (
            "done"
            if index < clearance.current_step or clearance.state == "cleared"
            else ("current" if index == clearance.current_step and clearance.state == "open" else "waiting")
        )
        rows.append(
            {"order": step["order"], "who": who, "mode": step["mode"], "decisions": decisions, "state": state}
        )
    return rows


def clearance_context(user: Any, post: Post) -> dict[str, Any]:
    current = open_clearance(post)
    clearances = list(post.clearances.prefetch_related("decisions__user"))
    is_author = user.pk == post.created_by_id or post.editors.filter(pk=user.pk).exists()
    context: dict[str, Any] = {
        "clearances": [(c, steps_view(c)) for c in clearances],
        "can_decide": current is not None and can_decide(user, current),
        "decision_form": DecisionForm(),
        "can_override": has_perm(user, Perm.APPROVE, post.mission) and not is_author,
        "overrides": post.claim_overrides.select_related("approved_by"),
    }
    if current is not None:
        context["waiting_for"] = list(current_eligible(current).values_list("username", flat=True))
    return context
