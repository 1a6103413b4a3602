"""What happens to a post that the layers above it act on, sent inside the acting transaction.

A post is drafted here (``content``), cleared by ``clearance`` and delivered by ``publishing``; the
apps below cannot call the ones above, so they announce the change and ``publishing`` connects its
receivers (``elshi.publishing.receivers``) to schedule, move or withdraw the deliveries. Receivers run
synchronously in the sender's transaction: a failing receiver rolls the whole change back.

Every signal is sent with ``sender=Post`` and the keyword arguments ``post`` and ``acting_user``.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["post_cleared", "post_rescheduled", "post_withdrawn"]

post_cleared = Signal()  # cleared for a time still ahead: its deliveries are due then
post_rescheduled = Signal()  # a scheduled post got a new time (its clearance stands)
post_withdrawn = Signal()  # a cleared post went back to draft or was cancelled: nothing unsent goes out
