"""Measure pages (mounted under /measure/)."""

from __future__ import annotations

from django.urls import path

from elshi.reports import views

urlpatterns = [
    path("briefs/", views.brief_list, name="brief_list"),
    path("campaigns/", views.campaign_reports, name="campaign_reports"),
    path("scorecards/", views.scorecards, name="scorecards"),
]
