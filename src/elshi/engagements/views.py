"""Engage views (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def engagement_list(request: HttpRequest) -> HttpResponse:
    return redirect("capability", key="engage")


def virtual_embassy(request: HttpRequest) -> HttpResponse:
    return redirect("capability", key="engage")
