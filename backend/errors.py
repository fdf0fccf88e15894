"""Errors a user can cause. Each carries an HTTP status and a message meant for people."""

from __future__ import annotations


class LockstepError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Invalid(LockstepError):
    status_code = 422


class NotFound(LockstepError):
    status_code = 404


class Unauthorized(LockstepError):
    status_code = 401


class Forbidden(LockstepError):
    status_code = 403


class Conflict(LockstepError):
    status_code = 409


class TooManyRequests(LockstepError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
