"""Telegram Bot API connector."""

from .publisher import TelegramPublisher

__all__ = ["TelegramPublisher"]
