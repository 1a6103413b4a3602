"""Tell pages: narratives, claims, campaigns, posts, and the studio (``elshi.content.studio``)."""

from __future__ import annotations

from django.urls import include, path

from elshi.content import studio_views, views

urlpatterns = [
    path("tell/narratives/", views.narrative_list, name="narrative_list"),
    path("tell/narratives/new/", views.curated_edit, {"kind": "narrative"}, name="narrative_create"),
    path("tell/narratives/<slug:key>/", views.narrative_detail, name="narrative_detail"),
    path(
        "tell/narratives/<slug:ident>/edit/", views.curated_edit, {"kind": "narrative"}, name="narrative_edit"
    ),
    path("tell/claims/", views.claim_list, name="claim_list"),
    path("tell/claims/new/", views.curated_edit, {"kind": "claim"}, name="claim_create"),
    path("tell/claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("tell/claims/<int:ident>/edit/", views.curated_edit, {"kind": "claim"}, name="claim_edit"),
    path("tell/claims/<int:pk>/verify/", views.claim_verify, name="claim_verify"),
    path("tell/campaigns/", views.campaign_list, name="campaign_list"),
    path("tell/campaigns/new/", views.curated_edit, {"kind": "campaign"}, name="campaign_create"),
    path("tell/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("tell/campaigns/<int:ident>/edit/", views.curated_edit, {"kind": "campaign"}, name="campaign_edit"),
    path("tell/posts/", views.post_list, name="post_list"),
    path("tell/posts/new/", views.post_edit, name="post_create"),
    path("tell/posts/validate/", views.post_validate, name="post_validate"),
    path("tell/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("tell/posts/<int:pk>/cancel/", views.post_cancel, name="post_cancel"),
    path("tell/studio/", studio_views.studio_home, name="studio"),
    path("tell/studio/", include("elshi.content.studio_urls")),
    path("tell/studio/card/", studio_views.new_card, name="studio_card"),
    path("tell/studio/video/", studio_views.new_video, name="studio_video"),
    path("tell/studio/assets/<int:pk>/", studio_views.asset_detail, name="asset_detail"),
    path("tell/studio/assets/<int:pk>/waive-label/", studio_views.waive_label, name="asset_waive_label"),
    path("tell/studio/image/", studio_views.new_image, name="studio_image"),
    path("media/<path:path>", studio_views.media, name="media"),
]
