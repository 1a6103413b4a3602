"""Engage pages (mounted under /engage/)."""

from __future__ import annotations

from django.urls import path

from elshi.engagements import views

urlpatterns = [
    path("engagements/", views.engagement_list, name="engagement_list"),
    path("engagements/new/<slug:slug>/", views.engagement_edit, name="engagement_create"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path(
        "engagements/<int:pk>/registrants.<str:fmt>",
        views.registrants_export,
        name="engagement_registrants",
    ),
    path(
        "engagements/<int:pk>/registrations/<int:registration_pk>/resend/",
        views.registration_resend,
        name="registration_resend",
    ),
    path("virtual-embassy/", views.virtual_embassy, name="virtual_embassy"),
    path("virtual-embassy/<slug:slug>/preview/", views.site_preview, name="site_preview"),
]
