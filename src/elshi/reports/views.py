"""Measure views (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def brief_list(request: HttpRequest) -> HttpResponse:
    return redirect("capability", key="measure")


def campaign_reports(request: HttpRequest) -> HttpResponse:
    return redirect("capability", key="measure")


def scorecards(request: HttpRequest) -> HttpResponse:
    return redirect("capability", key="measure")
