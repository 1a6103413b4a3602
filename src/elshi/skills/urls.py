from __future__ import annotations

from django.urls import path

from elshi.skills import views

urlpatterns = [
    path("", views.playbook, name="skills"),
    path("help/", views.who_needs_help, name="skills_help"),
    path("<slug:key>/", views.chapter_detail, name="skills_chapter"),
    path("<slug:key>/read/", views.chapter_read, name="skills_chapter_read"),
    path("<slug:key>/edit/<str:language>/", views.chapter_edit, name="skills_chapter_edit"),
]
