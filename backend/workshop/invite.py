"""The calendar invite (RFC 5545, written with icalendar) for a version's next review."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from backend.domain import cadence
from backend.workshop.models import Version

PRODID = "-//Lockstep//Review cadence//EN"


def next_review_of(version: Version) -> date:
    """The version's next review date; for versions published before it was stored, the
    default rule applied to the day it was published."""
    return version.next_review or cadence.default_next_review(version.published_at.date())


def description(snap: dict[str, Any], url: str) -> str:
    """The invite's text: the viewer link, the open items and the parked decisions with
    their deciders."""
    items = snap.get("open_items", [])
    parked = [i for i in items if i.get("reason") == "parked"]
    others = [i for i in items if i.get("reason") != "parked"]
    version = snap.get("version", {})
    lines = [
        f"Review of {version.get('label', '')} (version {version.get('number', '')}) "
        f"of {snap.get('title', '')}.",
        f"Viewer link: {url}",
        "",
        f"Open items ({len(others)}):",
    ]
    for i in others:
        where = f" · {i['phase']}" if i.get("phase") else ""
        decider = f" — {i['decider']} decides" if i.get("decider") else ""
        lines.append(f"- {i['activity']}{where}: {i['reason']}{decider}")
    if not others:
        lines.append("- none")
    lines += ["", f"Parked decisions ({len(parked)}):"]
    lines += [f"- {i['activity']} — {i.get('decider') or 'no decider'} decides" for i in parked]
    if not parked:
        lines.append("- none")
    return "\n".join(lines)


def review_invite(version: Version, *, url: str) -> bytes:
    """An all-day event on the version's next review date, for the board's title, with the
    viewer link ``url`` in URL and DESCRIPTION. The same version always gives the same
    file: the UID comes from the version's id and the server's host, DTSTAMP is when it was
    published."""
    snap = json.loads(version.snapshot)
    day = next_review_of(version)
    host = urlsplit(url).hostname or "lockstep"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"lockstep-review-{version.id}@{host}")
    event.add("dtstamp", version.published_at.replace(tzinfo=UTC))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", f"Quarterly review: {snap.get('title', '')}")
    event.add("url", url)
    event.add("description", description(snap, url))
    event.add("transp", "TRANSPARENT")
    cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical
