"""The card's JSON API ("what I own this quarter"): a function's card of a
published version (viewer link) or of the live board (facilitator or participant token; a
participant's card is their own function's unless ``function`` says otherwise)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request

from backend.db import SessionDep
from backend.domain.card import SLOTS
from backend.history import schemas as hs
from backend.history.cards import CardPage, live_card, version_card
from backend.links import base_url
from backend.openapi import READ, VIEW
from backend.security import AccessDep
from backend.workshop.viewer import board_for_viewer

router = APIRouter(prefix="/api", tags=["cards"])

FUNCTION = Query(
    default=None,
    description="The function's name, in any case (e.g. PMM); on the live board a "
    "participant's own function when left out, the first function for the facilitator",
)
VERSION_FUNCTION = Query(description="The function's name, in any case (e.g. PMM)")


def card_out(page: CardPage, *, markdown_url: str, pdf_url: str) -> hs.CardOut:
    c = page.card
    ch = c.changes
    names = {"O": "owner", "D": "driver", "C": "consulted", "I": "informed"}
    version = page.doc.get("version")
    return hs.CardOut(
        function=c.function,
        title=page.doc["title"],
        source=page.source,
        version_number=version["number"] if version else None,
        person=page.person,
        people=list(c.people),
        functions=page.functions,
        next_review=page.next_review,
        roles=[hs.CardRoleOut(slot=s, letter=c.letter(s), name=c.name(s)) for s in SLOTS],
        counts={s: c.count(s) for s in SLOTS},
        phases=[
            hs.CardPhaseOut(phase=pr.phase, **{names[s]: list(pr.by_slot[s]) for s in SLOTS})
            for pr in c.per_phase
        ],
        activities=[
            hs.CardActivityOut(activity=h.activity, letters=h.letters, owns_or_drives=h.leads)
            for h in c.holdings
        ],
        rationale=[
            hs.CardNoteOut(activity=n.activity, rationale=n.rationale, phase_notes=n.phase_notes)
            for n in c.notes
        ],
        open_items=[
            hs.CardItemOut(
                activity=i.activity,
                phase=i.phase,
                reason=i.reason,
                decider=i.decider,
                parked=i.parked,
                names_function=bool(i.named),
                holds_role=i.held,
            )
            for i in c.items
        ],
        changes=None
        if ch is None
        else hs.CardChangesOut(
            since=ch.since,
            summary=ch.summary,
            cells=[
                hs.CardChangeOut(
                    activity=x.activity,
                    phase=x.phase,
                    before=list(x.before),
                    after=list(x.after),
                    owner_or_driver=x.major,
                    text=x.text,
                )
                for x in ch.cells
            ],
            activities_added=list(ch.added),
            activities_removed=list(ch.removed),
        ),
        markdown_url=markdown_url,
        pdf_url=pdf_url,
    )


@router.get(
    "/view/{viewer_token}/{number}/card",
    tags=["viewer"],
    response_model=hs.CardOut,
    responses=VIEW,
    summary="A function's card in a published version: what it owns, drives, is consulted "
    "and informed on, the rationale, its open items and what changed for it",
)
def view_card(
    viewer_token: str,
    number: int,
    request: Request,
    session: SessionDep,
    function: str = VERSION_FUNCTION,
) -> hs.CardOut:
    board = board_for_viewer(session, viewer_token)
    page = version_card(session, board, number, function)
    at = f"{base_url(request)}/api/view/{viewer_token}/{number}"
    f = quote(page.card.function, safe="")
    return card_out(
        page, markdown_url=f"{at}/card.md?function={f}", pdf_url=f"{at}/card.pdf?function={f}"
    )


@router.get(
    "/boards/{board_id}/card",
    response_model=hs.CardOut,
    responses=READ,
    summary="A function's card on the live board (a participant's own by default)",
)
def board_card(
    request: Request, session: SessionDep, access: AccessDep, function: str | None = FUNCTION
) -> hs.CardOut:
    page = live_card(session, access, function)
    at = f"{base_url(request)}/api/boards/{access.board.id}"
    f = quote(page.card.function, safe="")
    return card_out(
        page, markdown_url=f"{at}/card.md?function={f}", pdf_url=f"{at}/card.pdf?function={f}"
    )
