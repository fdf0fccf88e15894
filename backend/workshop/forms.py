"""The workshop page actions' forms, read by FastAPI into models (``Annotated[X, Form()]``).

An empty field is "not given" (None); a number that is not one is a 422 naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError


def _whole(value: object) -> object:
    if value in ("", None):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise PydanticCustomError("whole_number", "must be a whole number") from None


def _number(value: object) -> object:
    if value in ("", None):
        return None
    try:
        return float(str(value))
    except ValueError:
        raise PydanticCustomError("number", "must be a number") from None


def _date(value: object) -> object:
    if value in ("", None):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PydanticCustomError("date", "must be a date (YYYY-MM-DD)") from None


def _flag(value: object) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


Whole = Annotated[int | None, BeforeValidator(_whole)]
Number = Annotated[float | None, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Day = Annotated[date | None, BeforeValidator(_date)]


class ModeForm(BaseModel):
    mode: str = ""
    auto_reveal: Annotated[bool | None, BeforeValidator(lambda v: _flag(v) if v else None)] = None


class RoundForm(BaseModel):
    to: str = ""


class ReadyForm(BaseModel):
    ready: Flag = True


class AcceptForm(BaseModel):
    activity_id: Whole = None
    phase_id: Whole = None
    use: str = "unanimous"
    participant_id: Whole = None


class SpotlightForm(BaseModel):
    activity_id: Whole = None
    minutes: Number = None


class TimeboxForm(BaseModel):
    minutes: Number = None


class CommentForm(BaseModel):
    activity_id: Whole = None
    text: str = ""


class RationaleForm(BaseModel):
    activity_id: Whole = None
    phase_id: Whole = None
    text: str = ""


class ParkForm(BaseModel):
    activity_id: Whole = None
    decider: str = ""


class PublishForm(BaseModel):
    label: str = ""
    published_by: str = ""
    next_review: Day = None


class PrecheckForm(BaseModel):
    activity_id: Whole = None
    verdict: str = ""
    note: str = ""
