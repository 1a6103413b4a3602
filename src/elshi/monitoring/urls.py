"""Listen pages: dashboard, explorer, sources and quarantine, alerts, methodology."""

from __future__ import annotations

from django.urls import path

from elshi.monitoring import views

urlpatterns = [
    path("listen/dashboard/", views.dashboard, name="listen_dashboard"),
    path("listen/explorer/", views.explorer, name="listen_explorer"),
    path("listen/quarantine/", views.quarantine, name="listen_quarantine"),
    path("listen/sources/", views.sources, name="listen_sources"),
    path("listen/alerts/", views.alerts, name="listen_alerts"),
    path("listen/alerts/<int:pk>/", views.alert_detail, name="listen_alert"),
    path("listen/methodology/", views.methodology, name="listen_methodology"),
    path("lib/plotly.min.js", views.plotly_js, name="plotly_js"),
]
