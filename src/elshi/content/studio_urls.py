"""Studio pages added after the first slice; included under ``tell/studio/`` by ``elshi.web.urls``."""

from __future__ import annotations

from django.urls import path

from elshi.content import studio_brand, studio_editor, studio_storyboard

urlpatterns = [
    path("editor/", studio_editor.editor, name="studio_editor"),
    path("editor/preview/", studio_editor.preview, name="studio_preview"),
    path("editor/photo/", studio_editor.upload_photo, name="studio_photo"),
    path("editor/carousel/", studio_editor.carousel, name="studio_carousel"),
    path("brand/", studio_brand.brand_kits, name="studio_brand"),
    path("brand/<slug:scope>/", studio_brand.edit_brand, name="studio_brand_edit"),
    path("storyboard/", studio_storyboard.storyboard, name="studio_storyboard"),
    path("picker/", studio_storyboard.picker, name="studio_picker"),
    path("assets/<int:pk>/alt-text/", studio_storyboard.edit_alt_text, name="asset_alt_text"),
]
