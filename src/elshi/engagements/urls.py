"""Engage pages (mounted under /engage/)."""

from __future__ import annotations

from django.urls import path

from elshi.engagements import views

urlpatterns = [
    path("engagements/", views.engagement_list, name="engagement_list"),
    path("virtual-embassy/", views.virtual_embassy, name="virtual_embassy"),
]
