"""The shipped playbook: every chapter in kk, ru and en, with the same checks, and the pages around it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from elshi.audit.models import AuditEvent
from elshi.skills.models import ChapterOverride, ChapterProgress
from elshi.skills.playbook import LANGUAGES, blocks, chapter, shipped

KAZAKH_LETTERS = re.compile("[әғқңөұүһі]")


def test_every_chapter_in_every_language_with_the_same_answers() -> None:
    english = shipped()["en"]
    assert len(english) >= 6
    for lang in LANGUAGES:
        assert set(shipped()[lang]) == set(english), lang
        for key, chap in shipped()[lang].items():
            assert 2 <= len(chap.questions) <= 4, (lang, key)
            assert [q.answer for q in chap.questions] == [q.answer for q in english[key].questions], (
                lang,
                key,
            )
            assert all(0 <= q.answer < len(q.options) for q in chap.questions)
            assert chap.topic == english[key].topic and chap.order == english[key].order
            assert len(chap.blocks) >= 3


def test_kazakh_and_russian_are_written_in_their_own_script() -> None:
    for chap in shipped()["kk"].values():
        assert KAZAKH_LETTERS.search(chap.body), chap.key
    for chap in shipped()["ru"].values():
        assert re.search("[а-яё]", chap.body) and not KAZAKH_LETTERS.search(chap.body), chap.key


def test_blocks_read_headings_lists_and_paragraphs_without_html() -> None:
    parsed = blocks("## Title\n\n- one\n- two\n\nA <b>line</b>\nwrapped.")
    assert [(b.kind, b.lines) for b in parsed] == [
        ("h", ("Title",)),
        ("ul", ("one", "two")),
        ("p", ("A <b>line</b> wrapped.",)),
    ]


def test_chapter_page_escapes_and_takes_the_check(login: Any, people: dict[str, Any]) -> None:
    client = login("viewer")
    page = client.get("/skills/crisis-lines/")
    assert page.status_code == 200 and "The first hour" in page.content.decode()
    wrong = client.post("/skills/crisis-lines/", {"q0": "0", "q1": "0", "q2": "1"})
    assert "0 of 3 right" in wrong.content.decode()
    progress = ChapterProgress.objects.get(user=people["viewer"], chapter="crisis-lines")
    assert progress.passed_at is None and progress.attempts == 1
    right = client.post("/skills/crisis-lines/", {"q0": "1", "q1": "1", "q2": "0"})
    assert right.status_code == 302
    progress.refresh_from_db()
    assert progress.passed_at is not None and progress.last_score == 3
    assert AuditEvent.objects.filter(action="skills.check_taken").count() == 2
    assert "passed" in client.get("/skills/").content.decode()


def test_reading_is_recorded_once(login: Any, people: dict[str, Any]) -> None:
    client = login("author")
    assert client.post("/skills/account-security/read/").status_code == 302
    client.post("/skills/account-security/read/")
    assert ChapterProgress.objects.get(user=people["author"], chapter="account-security").read_at is not None
    assert AuditEvent.objects.filter(action="skills.chapter_read").count() == 1


def test_playbook_follows_the_language(login: Any) -> None:
    client = login("author")
    client.post("/i18n/setlang/", {"language": "kk"})
    assert "Дағдарыс кезіндегі хабарламалар" in client.get("/skills/").content.decode()


def test_hq_edits_a_chapter_per_language_audited_and_reversible(login: Any, people: dict[str, Any]) -> None:
    client = login("admin")
    url = "/skills/crisis-lines/edit/ru/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Кризис: памятка", "body": "## Сразу\n\n- Звоните в ЦА."})
    assert response.status_code == 302
    assert ChapterOverride.objects.get(chapter="crisis-lines", language="ru").title == "Кризис: памятка"
    assert AuditEvent.objects.filter(action="skills.chapter_edited").count() == 1
    edited = chapter("crisis-lines", "ru")
    assert (
        edited is not None and edited.edited and edited.questions == shipped()["ru"]["crisis-lines"].questions
    )
    assert chapter("crisis-lines", "en") == shipped()["en"]["crisis-lines"]  # other languages untouched
    client.post(url, {"reset": "1", "title": "x", "body": "x"})
    assert not ChapterOverride.objects.exists()
    assert AuditEvent.objects.filter(action="skills.chapter_reset").count() == 1


@pytest.mark.parametrize("who", ["author", "approver", "viewer", "outsider"])
def test_only_curators_edit_chapters(login: Any, who: str) -> None:
    client = login(who)
    assert client.get("/skills/crisis-lines/edit/en/").status_code == 403
    assert client.post("/skills/crisis-lines/edit/en/", {"title": "t", "body": "b"}).status_code == 403
    assert not ChapterOverride.objects.exists()


def test_unknown_chapter_or_language_is_not_found(login: Any) -> None:
    assert login("author").get("/skills/no-such-chapter/").status_code == 404
    assert login("admin").get("/skills/crisis-lines/edit/de/").status_code == 404
