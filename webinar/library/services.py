"""A trainer's library of own steps, and the images on them: plain functions that flush.

Who may do what: the author edits, copies, archives and deletes their steps; a published step
(an admin's) every trainer may use and copy; nobody else sees an unpublished step at all.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import or_, select

from webinar import db
from webinar.domain.agenda import OWN, Draft, build_step
from webinar.domain.lessons import Step
from webinar.domain.uploads import CleanImage
from webinar.models import AgendaItem, LiveVote, MediaFile, OwnStep, User, utcnow


def draft_of(row: OwnStep) -> Draft:
    return Draft(row.shape, tuple(row.languages.split()), row.texts, row.number_min,
                 row.number_max, row.answer)


def image_url(media_id: int | None) -> str:
    if media_id is None:
        return ""
    media = db.session().get(MediaFile, media_id)
    return url_for("library.media", token=media.token) if media else ""


def step_of(row: OwnStep, locale: str) -> Step:
    """The own step as ``locale``'s readers see it, its answers kept as ("own", "<id>")."""
    return build_step(str(row.id), draft_of(row), locale, image_url(row.image_id))


def visible_to(user: User, include_archived: bool = False) -> list[OwnStep]:
    """The user's own steps and every published one, newest first."""
    query = select(OwnStep).where(or_(OwnStep.owner_id == user.id, OwnStep.published))
    if not include_archived:
        query = query.where(OwnStep.archived_at.is_(None))
    return list(db.session().scalars(query.order_by(OwnStep.updated_at.desc(),
                                                    OwnStep.id.desc())))


def own(user: User, step_id: int) -> OwnStep | None:
    """The step when this user wrote it: to edit, archive or delete."""
    row = db.session().get(OwnStep, step_id)
    return row if row is not None and row.owner_id == user.id else None


def usable(user: User, step_id: int) -> OwnStep | None:
    """The step when this user may put it on an agenda or copy it."""
    row = db.session().get(OwnStep, step_id)
    if row is None or not (row.owner_id == user.id or row.published):
        return None
    return row


def by_ids(ids: set[int]) -> dict[int, OwnStep]:
    if not ids:
        return {}
    return {row.id: row for row in db.session().scalars(
        select(OwnStep).where(OwnStep.id.in_(ids)))}


def keep_image(owner: User, image: CleanImage) -> MediaFile:
    media = MediaFile(owner_id=owner.id, mime=image.mime, data=image.data)
    db.session().add(media)
    db.session().flush()
    return media


def save(owner: User, row: OwnStep | None, draft: Draft, image: CleanImage | None = None,
         remove_image: bool = False) -> OwnStep:
    if row is None:
        row = OwnStep(owner_id=owner.id, created_at=utcnow())
        db.session().add(row)
    row.shape, row.languages = draft.shape, " ".join(draft.languages)
    row.texts = {lang: dict(draft.texts.get(lang, {})) for lang in draft.languages}
    row.number_min = draft.number_min if draft.shape == "number" else None
    row.number_max = draft.number_max if draft.shape == "number" else None
    row.answer = draft.answer if draft.shape == "classify" else None
    if image is not None:
        row.image_id = keep_image(owner, image).id
    elif remove_image:
        row.image_id = None
    row.updated_at = utcnow()
    db.session().flush()
    return row


def copy(owner: User, row: OwnStep) -> OwnStep:
    """A copy of one's own or a published step, the copier's to change; never published."""
    twin = OwnStep(owner_id=owner.id, shape=row.shape, languages=row.languages,
                   texts={lang: dict(texts) for lang, texts in row.texts.items()},
                   number_min=row.number_min, number_max=row.number_max, answer=row.answer,
                   image_id=row.image_id, published=False, created_at=utcnow(),
                   updated_at=utcnow())
    db.session().add(twin)
    db.session().flush()
    return twin


def has_answers(row: OwnStep) -> bool:
    return db.session().scalar(select(LiveVote.id).where(
        LiveVote.lesson_id == OWN, LiveVote.step_id == str(row.id)).limit(1)) is not None


def on_agendas(row: OwnStep) -> bool:
    return db.session().scalar(select(AgendaItem.id).where(
        AgendaItem.lesson_id == OWN, AgendaItem.step_id == str(row.id)).limit(1)) is not None


def archive(row: OwnStep, archived: bool) -> None:
    row.archived_at = utcnow() if archived else None
    db.session().flush()


def delete(row: OwnStep) -> bool:
    """Delete a step nobody answered and no agenda holds; False: archive it instead."""
    if has_answers(row) or on_agendas(row):
        return False
    db.session().delete(row)
    db.session().flush()
    return True


def media_by_token(token: str) -> MediaFile | None:
    return db.session().scalar(select(MediaFile).where(MediaFile.token == token))
