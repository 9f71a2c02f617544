"""Demo data: two steps in the demo trainer's library, to put on an agenda (not yet on one)."""

from __future__ import annotations

from sqlalchemy import select

from webinar.models import OwnStep, User, utcnow

STEPS = (
    {"shape": "choice", "languages": "en nl", "texts": {
        "en": {"title": "Which customers take most of your week?",
               "body": "Think of last week's calls, visits and quotes.",
               "options": ["New prospects", "Existing customers", "Quotes that stall"]},
        "nl": {"title": "Welke klanten kosten jou de meeste tijd?",
               "body": "Denk aan de gesprekken, bezoeken en offertes van vorige week.",
               "options": ["Nieuwe prospects", "Bestaande klanten", "Offertes die blijven hangen"]},
    }},
    {"shape": "classify", "languages": "en nl", "answer": "3", "texts": {
        "en": {"title": "A chain of twelve bakeries",
               "body": "They ask for a tailor-made system in every shop, want a discount on "
                       "every order and change their contact person twice a year.",
               "explanation": "They overlap with what you sell, but the custom work and the "
                              "haggling eat your margin and your hours: code 3."},
        "nl": {"title": "Een keten van twaalf bakkerijen",
               "body": "Ze willen in elke winkel een systeem op maat, vragen bij elke order "
                       "korting en wisselen twee keer per jaar van contactpersoon.",
               "explanation": "Ze raken aan wat je verkoopt, maar het maatwerk en het "
                              "afdingen kosten je marge en je uren: code 3."},
    }},
)


def seed(session, trainer: User, cohort) -> None:
    if session.scalar(select(OwnStep.id).where(OwnStep.owner_id == trainer.id).limit(1)):
        return
    for step in STEPS:
        session.add(OwnStep(owner_id=trainer.id, created_at=utcnow(), updated_at=utcnow(),
                            **step))
