from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from elshi.audit import views as audit_views
from elshi.clearance import views as clearance_views
from elshi.content import calendar, studio_views
from elshi.content import views as content_views
from elshi.missions import views as mission_views
from elshi.monitoring import views as monitoring_views
from elshi.publishing import oauth_pages, oauth_views
from elshi.publishing import views as publishing_views
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
    path("notifications/", views.notifications, name="notifications"),
    path("tell/narratives/", content_views.narrative_list, name="narrative_list"),
    path("tell/narratives/new/", content_views.curated_edit, {"kind": "narrative"}, name="narrative_create"),
    path("tell/narratives/<slug:key>/", content_views.narrative_detail, name="narrative_detail"),
    path(
        "tell/narratives/<slug:ident>/edit/",
        content_views.curated_edit,
        {"kind": "narrative"},
        name="narrative_edit",
    ),
    path("tell/claims/", content_views.claim_list, name="claim_list"),
    path("tell/claims/new/", content_views.curated_edit, {"kind": "claim"}, name="claim_create"),
    path("tell/claims/<int:pk>/", content_views.claim_detail, name="claim_detail"),
    path("tell/claims/<int:ident>/edit/", content_views.curated_edit, {"kind": "claim"}, name="claim_edit"),
    path("tell/claims/<int:pk>/verify/", content_views.claim_verify, name="claim_verify"),
    path("tell/campaigns/", content_views.campaign_list, name="campaign_list"),
    path("tell/campaigns/new/", content_views.curated_edit, {"kind": "campaign"}, name="campaign_create"),
    path("tell/campaigns/<int:pk>/", content_views.campaign_detail, name="campaign_detail"),
    path(
        "tell/campaigns/<int:ident>/edit/",
        content_views.curated_edit,
        {"kind": "campaign"},
        name="campaign_edit",
    ),
    path("tell/posts/", content_views.post_list, name="post_list"),
    path("tell/posts/new/", content_views.post_edit, name="post_create"),
    path("tell/posts/validate/", content_views.post_validate, name="post_validate"),
    path("tell/posts/<int:pk>/", content_views.post_detail, name="post_detail"),
    path("tell/posts/<int:pk>/edit/", content_views.post_edit, name="post_edit"),
    path("tell/posts/<int:pk>/submit/", clearance_views.submit, name="post_submit"),
    path("tell/posts/<int:pk>/decide/", clearance_views.decide, name="post_decide"),
    path("tell/posts/<int:pk>/override/", clearance_views.override, name="post_override"),
    path("tell/posts/<int:pk>/reschedule/", calendar.reschedule, name="post_reschedule"),
    path("tell/posts/<int:pk>/cancel/", content_views.post_cancel, name="post_cancel"),
    path("tell/studio/", studio_views.studio_home, name="studio"),
    path("tell/studio/", include("elshi.content.studio_urls")),
    path("tell/studio/card/", studio_views.new_card, name="studio_card"),
    path("tell/studio/video/", studio_views.new_video, name="studio_video"),
    path("tell/studio/assets/<int:pk>/", studio_views.asset_detail, name="asset_detail"),
    path("tell/studio/assets/<int:pk>/waive-label/", studio_views.waive_label, name="asset_waive_label"),
    path("tell/studio/image/", studio_views.new_image, name="studio_image"),
    path("media/<path:path>", studio_views.media, name="media"),
    path("listen/dashboard/", monitoring_views.dashboard, name="listen_dashboard"),
    path("listen/explorer/", monitoring_views.explorer, name="listen_explorer"),
    path("listen/quarantine/", monitoring_views.quarantine, name="listen_quarantine"),
    path("listen/sources/", monitoring_views.sources, name="listen_sources"),
    path("listen/alerts/", monitoring_views.alerts, name="listen_alerts"),
    path("listen/alerts/<int:pk>/", monitoring_views.alert_detail, name="listen_alert"),
    path("listen/methodology/", monitoring_views.methodology, name="listen_methodology"),
    path("lib/plotly.min.js", monitoring_views.plotly_js, name="plotly_js"),
    path("clear/queue/", clearance_views.queue, name="clear_queue"),
    path("clear/policies/", clearance_views.policies, name="policies"),
    path("clear/policies/new/", clearance_views.policy_edit, name="policy_create"),
    path("clear/policies/<int:pk>/edit/", clearance_views.policy_edit, name="policy_edit"),
    path("publish/calendar/", calendar.calendar_view, name="calendar"),
    path("publish/channels/", mission_views.channel_list, name="channel_list"),
    path("publish/channels/<int:pk>/", publishing_views.channel_detail, name="channel_detail"),
    path("publish/channels/<int:pk>/oauth/", oauth_views.oauth_start, name="channel_oauth_start"),
    path("publish/oauth/callback/", oauth_views.oauth_callback, name="channel_oauth_callback"),
    path("publish/channels/<int:pk>/oauth/page/", oauth_pages.oauth_page, name="channel_oauth_page"),
    path("publish/deliveries/", publishing_views.board, name="deliveries"),
    path("publish/deliveries/<int:pk>/resolve/", publishing_views.resolve, name="delivery_resolve"),
    path("ical/<str:token>.ics", calendar.ics_feed, name="ics_feed"),
    path("measure/", include("elshi.reports.urls")),
    path("engage/", include("elshi.engagements.urls")),
    path("m/", include("elshi.engagements.public_urls")),
    path("<slug:key>/", views.capability, name="capability"),
]
