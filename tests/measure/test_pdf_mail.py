"""The PDF's real content (pypdf), and the weekly e-mail through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import io
import socket
from email import policy
from typing import Any

import pytest
from pypdf import PdfReader

from elshi.reports.actions import brief_file, do_generate_brief
from elshi.reports.models import Brief, BriefSubscription

from .conftest import END, START


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.slow
def test_pdf_has_the_figures_charts_and_few_pages(corpus: dict[str, Any], history: dict[str, Any]) -> None:
    brief = do_generate_brief("KZ", START, END, ["UZ", "KG"], "en", acting_user=None)
    reader, text = _pdf_text(brief_file(brief.pdf_file).read_bytes())
    assert 1 <= len(reader.pages) <= 6
    assert "Nation-image brief: Kazakhstan" in text
    assert "75.0" in text and "+25.0" in text  # image score 50 + 50 x (4/6 - 1/6), up from 50.0
    assert "Water security" in text and "Kasachstan Wasserkrise" in text  # a narrative that rose, its example
    assert "P1 forum recap" in text  # our publishing
    assert "Uzbekistan" in text and "Kyrgyzstan" in text  # peers
    images = [image for page in reader.pages for image in page.images]
    assert len(images) >= 2  # tone-and-volume and share-of-voice charts
    assert brief_file(brief.html_file).read_text("utf-8").count("data:image/png;base64,") == 2


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Any:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "elshi@mfa.example"
    yield inbox
    controller.stop()


@pytest.mark.slow
def test_weekly_brief_emailed_with_pdf(smtp: _Inbox, corpus: dict[str, Any]) -> None:
    from elshi.reports.mailing import send_due_briefs
    from elshi.reports.tasks import send_weekly_briefs

    BriefSubscription.objects.create(
        name="Minister's office", country="KZ", peers=["UZ"], language="kk", recipients=["office@mfa.example"]
    )
    tuesday = dt.date(2026, 3, 10)  # the last complete week is 2-8 March
    assert send_due_briefs(tuesday) == 1
    assert send_due_briefs(tuesday) == 0  # once per week and subscription
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["office@mfa.example"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "Қазақстан" in str(message["Subject"]) and "2026-03-02" in str(message["Subject"])
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "Қазақстан" in html.get_content()
    [attachment] = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert attachment.get_filename() == "elshi-brief-KZ-2026-03-02-2026-03-08-kk.pdf"
    _reader, text = _pdf_text(attachment.get_content())
    assert "Қазақстан" in text
    brief = Brief.objects.get()
    assert (brief.start, brief.end, brief.language, brief.subscription is not None) == (
        START,
        END,
        "kk",
        True,
    )
    assert BriefSubscription.objects.get().last_sent_for == END
    # The daily periodic task is registered with Huey's scheduler.
    from huey.contrib.djhuey import HUEY

    assert send_weekly_briefs.task_class.__name__ in {t.__name__ for t in HUEY._registry._periodic_tasks}


def test_a_failed_send_is_kept_and_retried(
    settings: Any, corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from elshi.reports.mailing import send_due_briefs

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    BriefSubscription.objects.create(name="x", country="KZ", language="en", recipients=["a@mfa.example"])
    import elshi.reports.mailing as mailing

    original = mailing.actions.do_generate_brief

    def without_pdf(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **{**kwargs, "pdf": False})  # the SMTP failure is what this test is about

    monkeypatch.setattr(mailing.actions, "do_generate_brief", without_pdf)
    assert send_due_briefs(dt.date(2026, 3, 10)) == 0
    sub = BriefSubscription.objects.get()
    assert sub.last_sent_for is None and "refused" in sub.last_error.lower()
