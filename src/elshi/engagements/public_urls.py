"""The public virtual embassy sites (mounted under /m/)."""

from __future__ import annotations

from django.urls import path

from elshi.engagements import public

urlpatterns = [
    path("<slug:slug>/", public.site_root, name="site_root"),
    path("<slug:slug>/media/<int:pk>/", public.media, name="site_media"),
    path("<slug:slug>/<str:lang>/", public.site_page, name="site_home"),
    path("<slug:slug>/<str:lang>/news/", public.site_page, {"page": "news/"}, name="site_news"),
    path(
        "<slug:slug>/<str:lang>/engagements/",
        public.site_page,
        {"page": "engagements/"},
        name="site_engagements",
    ),
    path("<slug:slug>/<str:lang>/engagements/<int:pk>/", public.engagement_page, name="site_engagement"),
    path("<slug:slug>/<str:lang>/numbers/", public.site_page, {"page": "numbers/"}, name="site_numbers"),
    path("<slug:slug>/<str:lang>/stories/", public.site_page, {"page": "stories/"}, name="site_stories"),
    path("<slug:slug>/<str:lang>/contacts/", public.site_page, {"page": "contacts/"}, name="site_contacts"),
    path("<slug:slug>/<str:lang>/feed.xml", public.site_feed, name="site_feed"),
    path("<slug:slug>/<str:lang>/cancel/<str:token>/", public.cancel, name="site_cancel"),
]
