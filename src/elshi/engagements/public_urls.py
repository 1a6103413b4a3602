"""The public virtual embassy sites (mounted under /m/)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
