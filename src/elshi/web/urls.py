"""Root URLs: the shell's own pages, then every app's ``urls.py``; the API mounts every app's ``api.py``."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from elshi.missions import sso_views
from elshi.web import views
from elshi.web.api import api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("accounts/login/", sso_views.login, name="login"),  # the password form and/or single sign-on
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("elshi.missions.urls")),
    path("", include("elshi.content.urls")),
    path("", include("elshi.clearance.urls")),
    path("", include("elshi.publishing.urls")),
    path("", include("elshi.monitoring.urls")),
    path("measure/", include("elshi.reports.urls")),
    path("engage/", include("elshi.engagements.urls")),
    path("skills/", include("elshi.skills.urls")),
    path("m/", include("elshi.engagements.public_urls")),
    path("<slug:key>/", views.capability, name="capability"),
]
