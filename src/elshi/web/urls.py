from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from elshi.audit import views as audit_views
from elshi.missions import views as mission_views
from elshi.web import twofactor, views
from elshi.web.api import api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/2fa/", twofactor.two_factor, name="two_factor"),
    path("mission/switch/", views.switch_mission, name="switch_mission"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("missions/", mission_views.mission_list, name="mission_list"),
    path("missions/new/", mission_views.mission_edit, name="mission_create"),
    path("missions/<slug:slug>/", mission_views.mission_detail, name="mission_detail"),
    path("missions/<slug:slug>/edit/", mission_views.mission_edit, name="mission_edit"),
    path("missions/<slug:slug>/roles/", mission_views.mission_role, name="mission_role"),
    path("people/", mission_views.people, name="people"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path("settings/security/", views.security, name="security"),
    path("api/v1/", api.urls),
    path("<slug:key>/", views.capability, name="capability"),
]
