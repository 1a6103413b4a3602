"""Skills: the playbook, a chapter with its check, HQ's edit of a chapter, and who needs help."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.skills import actions
from elshi.skills.forms import ChapterEditForm, CheckForm
from elshi.skills.help import help_missions, rows_for
from elshi.skills.playbook import LANGUAGES, Chapter, chapter, shipped
from elshi.skills.progress import progress_of, progress_on


def _chapter(request: HttpRequest, key: str, language: str | None = None) -> Chapter:
    found = chapter(key, language or request.LANGUAGE_CODE)
    if found is None:
        raise Http404(key)
    return found


@login_required
def playbook(request: HttpRequest) -> HttpResponse:
    actions.check_take(request.user)
    return render(
        request,
        "skills/playbook.html",
        {
            "progress": progress_of(request.user, request.LANGUAGE_CODE),
            "can_edit": actions.can_edit_playbook(request.user),
            "can_see_help": bool(help_missions(request.user)),
            "active": "skills",
        },
    )


@login_required
def chapter_detail(request: HttpRequest, key: str) -> HttpResponse:
    actions.check_take(request.user)
    found = _chapter(request, key)
    form = CheckForm(found, request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        _progress, passed = actions.do_record_check(request.user, found, form.answers())
        if passed:
            messages.success(request, _("Passed. The chapter counts as done."))
            return redirect("skills_chapter", key)
        result = _progress.last_score
    progress = progress_on(request.user, key)
    return render(
        request,
        "skills/chapter.html",
        {
            "chapter": found,
            "form": form,
            "progress": progress,
            "result": result,
            "can_edit": actions.can_edit_playbook(request.user),
            "active": "skills",
        },
    )


@login_required
@require_POST
def chapter_read(request: HttpRequest, key: str) -> HttpResponse:
    actions.check_take(request.user)
    actions.do_mark_read(request.user, _chapter(request, key))
    messages.success(request, _("Marked as read."))
    return redirect("skills_chapter", key)


@login_required
def chapter_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    if not actions.can_edit_playbook(request.user):
        raise PermissionDenied("skills.edit")
    if language not in LANGUAGES or key not in shipped()["en"]:
        raise Http404(key)
    current = _chapter(request, key, language)
    form = ChapterEditForm(request.POST or None, initial={"title": current.title, "body": current.body})
    if request.method == "POST" and request.POST.get("reset"):
        actions.do_reset_chapter(current, acting_user=request.user)
        messages.success(request, _("The shipped text is back."))
        return redirect("skills_chapter_edit", key, language)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_edit_chapter(
                request.user, language, form.cleaned_data["title"], form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            actions.do_edit_chapter(
                current, form.cleaned_data["title"], form.cleaned_data["body"], acting_user=request.user
            )
            messages.success(request, _("Chapter saved."))
            return redirect("skills_chapter_edit", key, language)
    return render(
        request,
        "skills/edit.html",
        {"chapter": current, "form": form, "languages": LANGUAGES, "language": language, "active": "skills"},
    )


@login_required
def who_needs_help(request: HttpRequest) -> HttpResponse:
    if not help_missions(request.user):
        raise PermissionDenied("skills.help")
    return render(
        request,
        "skills/help.html",
        {"rows": rows_for(request.user, request.LANGUAGE_CODE), "active": "skills"},
    )
