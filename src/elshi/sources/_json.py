"""Typing untrusted JSON before use: small accessors that raise ValueError with the field name."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["as_dict", "as_int", "as_list", "as_str", "loads_object"]


def loads_object(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    return data


def as_dict(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise ValueError(f"{key!r} is missing or not an object")
    return value


def as_list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        raise ValueError(f"{key!r} is missing or not a list")
    return value


def as_str(data: Any, key: str, default: str | None = None) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        return value
    if value is None and default is not None:
        return default
    raise ValueError(f"{key!r} is missing or not a string")


def as_int(data: Any, key: str) -> int:
    """A count; missing means 0, anything else that is not a non-negative integer is an error."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key!r} is not a non-negative integer")
    return value
