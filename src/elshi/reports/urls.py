"""Measure pages (mounted under /measure/)."""

from __future__ import annotations

from django.urls import path

from elshi.reports import views

urlpatterns = [
    path("briefs/", views.brief_list, name="brief_list"),
    path("briefs/<int:pk>/", views.brief_detail, name="brief_detail"),
    path("briefs/<int:pk>/file.<str:kind>", views.brief_file, name="brief_file"),
    path("briefs/subscriptions/", views.subscription_add, name="brief_subscription_add"),
    path(
        "briefs/subscriptions/<int:pk>/delete/", views.subscription_delete, name="brief_subscription_delete"
    ),
    path("campaigns/", views.campaign_reports, name="campaign_reports"),
    path("campaigns/<int:pk>/", views.campaign_report_view, name="campaign_report"),
    path("scorecards/", views.scorecards, name="scorecards"),
]
