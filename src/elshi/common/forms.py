"""Form helpers every app's views share."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest

__all__ = ["flash_errors"]


def flash_errors(request: HttpRequest, form: forms.Form) -> None:
    """Show every error of a form posted from another page (its own page is not re-rendered)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
