"""Work the studio hands to the worker."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=0)
def render_video_asset(asset_id: int) -> None:
    # studio.py enqueues this task, so the task reaches back for the work only when it runs.
    from elshi.content.studio import render_video_now

    render_video_now(asset_id)
