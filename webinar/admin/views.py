"""The admin's page: users and their roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webinar import db
from webinar.admin import bp
from webinar.admin.forms import ROLE_LABELS, RoleForm
from webinar.auth.roles import role_required
from webinar.models import Role, User

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
