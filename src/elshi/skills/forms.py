"""The check of a chapter, built from its questions, and HQ's edit of a chapter's text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from elshi.skills.playbook import Chapter


class CheckForm(forms.Form):
    """One radio group per question; a question left unanswered counts as wrong."""

    def __init__(self, chapter: Chapter, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, question in enumerate(chapter.questions):
            self.fields[f"q{n}"] = forms.TypedChoiceField(
                label=question.text,
                choices=list(enumerate(question.options)),
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
                empty_value=None,
            )

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(name) for name in self.fields]


class ChapterEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_('Paragraphs separated by a blank line; "## " starts a heading, "- " a list item.'),
    )
