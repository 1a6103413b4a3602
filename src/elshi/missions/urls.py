"""People and administration: a person's account, 2FA and notifications; missions, roles, people, security."""

from __future__ import annotations

from django.urls import path

from elshi.missions import account, audit_views, twofactor, views

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", account.revoke_token, name="revoke_token"),
    path("account/2fa/", twofactor.two_factor, name="two_factor"),
    path("mission/switch/", account.switch_mission, name="switch_mission"),
    path("settings/security/", account.security, name="security"),
    path("notifications/", account.notifications, name="notifications"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_edit, name="mission_create"),
    path("missions/<slug:slug>/", views.mission_detail, name="mission_detail"),
    path("missions/<slug:slug>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<slug:slug>/roles/", views.mission_role, name="mission_role"),
    path("people/", views.people, name="people"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
]
