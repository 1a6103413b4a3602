"""Publish pages: calendar, channels and their consent flows, deliveries, the ICS feeds."""

from __future__ import annotations

from django.urls import path

from elshi.publishing import calendar, ics, media, oauth_pages, oauth_views, views

urlpatterns = [
    path("tell/posts/<int:pk>/reschedule/", calendar.reschedule, name="post_reschedule"),
    path("publish/calendar/", calendar.calendar_view, name="calendar"),
    path("publish/channels/", views.channel_list, name="channel_list"),
    path("publish/channels/<int:pk>/", views.channel_detail, name="channel_detail"),
    path("publish/channels/<int:pk>/oauth/", oauth_views.oauth_start, name="channel_oauth_start"),
    path("publish/oauth/callback/", oauth_views.oauth_callback, name="channel_oauth_callback"),
    path("publish/channels/<int:pk>/oauth/page/", oauth_pages.oauth_page, name="channel_oauth_page"),
    path("publish/deliveries/", views.board, name="deliveries"),
    path("publish/deliveries/<int:pk>/resolve/", views.resolve, name="delivery_resolve"),
    path("publish/calendar/links/", ics.create_link, name="calendar_link_create"),
    path("publish/calendar/links/<int:pk>/revoke/", ics.revoke_link, name="calendar_link_revoke"),
    path("ical/<str:token>.ics", ics.ics_feed, name="ics_feed"),
    path("public/media/<str:token>/<str:name>", media.public_media, name="public_media"),
]
