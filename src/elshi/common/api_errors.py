"""An API refusal carrying a status, a sentence for people, and structured details for programs."""

from __future__ import annotations

from typing import Any


class ApiRefusal(Exception):
    def __init__(self, status: int, detail: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra or {}
