"""The audit trail's pages."""

from __future__ import annotations

from django.urls import path

from elshi.audit import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
]
