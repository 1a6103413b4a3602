"""Clear pages: a post with its clearance, submitting and deciding a post, the queue, approval policies."""

from __future__ import annotations

from django.urls import path

from elshi.clearance import views

urlpatterns = [
    path("tell/posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("tell/posts/<int:pk>/submit/", views.submit, name="post_submit"),
    path("tell/posts/<int:pk>/decide/", views.decide, name="post_decide"),
    path("tell/posts/<int:pk>/override/", views.override, name="post_override"),
    path("clear/queue/", views.queue, name="clear_queue"),
    path("clear/policies/", views.policies, name="policies"),
    path("clear/policies/new/", views.policy_edit, name="policy_create"),
    path("clear/policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
]
