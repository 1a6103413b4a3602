"""Administration pages: missions and their roles, people."""

from __future__ import annotations

from django.urls import path

from elshi.missions import views

urlpatterns = [
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_edit, name="mission_create"),
    path("missions/<slug:slug>/", views.mission_detail, name="mission_detail"),
    path("missions/<slug:slug>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<slug:slug>/roles/", views.mission_role, name="mission_role"),
    path("people/", views.people, name="people"),
]
