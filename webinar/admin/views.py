"""The admin's pages: users and their roles, and the mail outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from webinar import db, outbox
from webinar.admin import bp
from webinar.admin.forms import ROLE_LABELS, ResendForm, RoleForm
from webinar.auth.roles import role_required
from webinar.models import OutboxMail, Role, User

PAGE_SIZE = 50


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List users, newest first, with a role form each."""
    # Clamped: a page number past 64 bits, or a NUL in the search, would fail in PostgreSQL.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 10**6)
    query = request.args.get("q", "", type=str).replace("\x00", "").strip()[:100]
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            func.lower(User.email).like(like) | func.lower(User.display_name).like(like)
        )
    total = db.session().scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session().scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    forms = {user.id: RoleForm(role=user.role, prefix=f"u{user.id}") for user in rows}
    return render_template(
        "admin/users.html", users=rows, forms=forms, role_labels=ROLE_LABELS, page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total, query=query,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def set_role(user_id: int):
    """Change one user's role."""
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    form = RoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id and form.role.data != Role.ADMIN:
        flash(_("You cannot take away your own admin role."), "error")
    else:
        user.role = form.role.data
        flash(_("%(name)s is now: %(role)s.", name=user.display_name,
                role=ROLE_LABELS[form.role.data]), "success")
    return redirect(url_for("admin.users"))


MAIL_STATUS_LABELS = {"queued": _l("Queued"), "sending": _l("Being sent"),
                      "finalizing": _l("Being sent"), "sent": _l("Sent"), "failed": _l("Failed")}


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox_page():
    """The outbox: how many mails wait, went or failed, and the latest ones with their error."""
    show = request.args.get("status", "", type=str)
    show = show if show in ("queued", "sent", "failed") else ""
    counts = dict(db.session().execute(
        select(OutboxMail.status, func.count()).group_by(OutboxMail.status)).all())
    stmt = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(PAGE_SIZE)
    if show:
        stmt = stmt.where(OutboxMail.status == show)
    return render_template("admin/outbox.html", mails=db.session().scalars(stmt).all(),
                           counts=counts, show=show, labels=MAIL_STATUS_LABELS,
                           resend_form=ResendForm())


@bp.route("/outbox/<int:mail_id>/resend", methods=["POST"])
@role_required(Role.ADMIN)
def resend_mail(mail_id: int):
    """Queue a failed mail again: the sender takes it on its next round."""
    if not ResendForm().validate_on_submit():
        abort(400)
    if not outbox.resend(mail_id):
        abort(404)
    flash(_("The mail is queued again."), "success")
    return redirect(url_for("admin.outbox_page", status="failed"))
