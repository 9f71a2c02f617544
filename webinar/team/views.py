"""Judging together: invitations, the raters' grid, the comparison and the agreed code."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.auth import services as auth_services
from webinar.auth import sessions
from webinar.auth.forms import RegisterForm
from webinar.domain import scoring
from webinar.extensions import limiter
from webinar.links import external_url
from webinar.models import ROLE_RATER, WorkbookInvite, utcnow
from webinar.team import bp, invite_mail, services
from webinar.team.forms import ActionForm, AgreeForm, InviteForm, MemberRoleForm
from webinar.workbook import services as workbook_services
from webinar.workbook.rating import grid_page, save_one_rating
from webinar.workbook.revisions import record


def _join_limit() -> str:
    return current_app.config.get("TEAM_JOIN_LIMIT", "30 per minute")


# ---------------------------------------------------------------- the owner's team page


def _manage_page(workbook, form=None, new_url=None, status=200, refused=None):
    """The team page; ``refused``: (member id, role form) of a role change that was refused."""
    members = services.members_of(workbook)
    role_forms = {m.id: MemberRoleForm(prefix=f"m{m.id}", role=m.role) for m in members}
    if refused is not None:
        role_forms[refused[0]] = refused[1]
    return render_template(
        "team/manage.html", workbook=workbook, form=form or InviteForm(), new_url=new_url,
        invites=services.invites_of(workbook), members=members, role_forms=role_forms,
        action=ActionForm(), now=utcnow(), is_active=services.is_active,
        step=workbook_services.step_info("team")), status


@bp.route("/<int:workbook_id>/")
@login_required
def manage(workbook_id: int):
    """Show the team: invitation links, members and where they are."""
    return _manage_page(services.workbook_for(workbook_id, need="owner"))


@bp.route("/<int:workbook_id>/invites", methods=["POST"])
@login_required
def create_invite(workbook_id: int):
    """Create an invitation link with a role and an expiry; show it once."""
    workbook = services.workbook_for(workbook_id, need="owner")
    form = InviteForm()
    if not form.validate_on_submit():
        return _manage_page(workbook, form, status=422)
    invite, token = services.create_invite(workbook, form.role.data, form.days.data)
    url = external_url("team.join", token=token)
    for address in form.addresses:
        invite_mail.send(workbook, invite, address, url)
    if form.addresses:
        flash(ngettext("The invitation is on its way to %(num)d address.",
                       "The invitation is on its way to %(num)d addresses.",
                       len(form.addresses)), "success")
    return _manage_page(workbook, new_url=url)


@bp.route("/<int:workbook_id>/invites/<int:invite_id>/revoke", methods=["POST"])
@login_required
def revoke_invite(workbook_id: int, invite_id: int):
    """Revoke an invitation link: nobody new can join with it."""
    workbook = services.workbook_for(workbook_id, need="owner")
    invite = db.session().get(WorkbookInvite, invite_id)
    if invite is None or invite.workbook_id != workbook.id or not ActionForm().validate_on_submit():
        abort(404)
    invite.revoked_at = invite.revoked_at or utcnow()
    flash(_("The invitation link is revoked."), "success")
    return redirect(url_for("team.manage", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/members/<int:member_id>/role", methods=["POST"])
@login_required
def change_role(workbook_id: int, member_id: int):
    """Make a colleague a rater or a viewer."""
    workbook = services.workbook_for(workbook_id, need="owner")
    member = services.team_member(workbook, member_id)
    if member is None:
        abort(404)
    form = MemberRoleForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        return _manage_page(workbook, status=422, refused=(member.id, form))
    if form.role.data != member.role:
        member.role = form.role.data
        flash(_("%(name)s is now a %(role)s.", name=member.user.display_name,
                role=_("rater") if member.role == ROLE_RATER else _("viewer")), "success")
    return redirect(url_for("team.manage", workbook_id=workbook.id))


@bp.route("/<int:workbook_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(workbook_id: int, member_id: int):
    """Take a colleague off the team, with the ratings they gave on this workbook."""
    workbook = services.workbook_for(workbook_id, need="owner")
    member = services.team_member(workbook, member_id)
    if member is None or not ActionForm().validate_on_submit():
        abort(404)
    name = member.user.display_name
    record(workbook, "team", current_user.id, None, {"what": "remove_member"})
    services.remove_member(workbook, member)
    flash(_("%(name)s is no longer on the team; their ratings are removed.", name=name),
          "success")
    return redirect(url_for("team.manage", workbook_id=workbook.id))


# ---------------------------------------------------------------- joining


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_join_limit)
def join(token: str):
    """Accept an invitation: signed in, or by creating an account on the spot."""
    invite = services.invite_by_token(token)
    if invite is None:
        return render_template("errors/error.html", status=404,
                               title=_("This invitation is not valid"),
                               text=_("The link is wrong, expired or revoked. Ask for a new "
                                      "one.")), 404
    register_form = RegisterForm(prefix="new")
    if request.method == "POST":
        if current_user.is_authenticated:
            if not ActionForm().validate_on_submit():
                abort(400)
            user = current_user._get_current_object()
        elif register_form.validate_on_submit():
            try:
                user = auth_services.register(
                    register_form.email.data, register_form.password.data,
                    register_form.display_name.data, str(get_locale()))
            except auth_services.EmailTaken:
                register_form.email.errors.append(
                    _("There is already an account with this email address. Log in first, "
                      "then open the link again."))
                user = None
            else:
                sessions.start(user)
        else:
            user = None
        if user is not None:
            role = services.accept(invite, user)
            flash(_("You are on the team of %(company)s.", company=invite.workbook.company_name),
                  "success")
            target = {"owner": "team.manage", ROLE_RATER: "team.rate"}.get(role, "team.compare")
            return redirect(url_for(target, workbook_id=invite.workbook_id))
    status = 422 if register_form.errors else 200
    return render_template("team/join.html", invite=invite, token=token, form=ActionForm(),
                           register_form=register_form), status


# ---------------------------------------------------------------- a rater's grid


@bp.route("/<int:workbook_id>/rate", methods=["GET", "POST"])
@login_required
def rate(workbook_id: int):
    """Show a rater their own grid (nobody else's ratings); without JavaScript, save the page."""
    workbook = services.workbook_for(workbook_id, need="rater")
    if workbook.owner_id == current_user.id:
        return redirect(url_for("workbook.rate", workbook_id=workbook.id))
    return grid_page(workbook, current_user.id, "team.rate", "team/rate.html",
                     member=services.member_of(workbook, current_user.id),
                     finish_form=ActionForm())


@bp.route("/<int:workbook_id>/ratings", methods=["POST"])
@login_required
def save_rating(workbook_id: int):
    """Save one of my ratings (the grid's script calls this) and return my own fit for it."""
    return save_one_rating(services.workbook_for(workbook_id, need="rater"), current_user.id)


@bp.route("/<int:workbook_id>/finish", methods=["POST"])
@login_required
def finish(workbook_id: int):
    """Say I am done rating: from now on I see everyone's ratings."""
    workbook = services.workbook_for(workbook_id, need="rater")
    member = services.member_of(workbook, current_user.id)
    if member is None or not ActionForm().validate_on_submit():
        return redirect(url_for("team.compare", workbook_id=workbook.id))
    services.finish(member)
    flash(_("Thank you. Now you see everyone's ratings."), "success")
    return redirect(url_for("team.compare", workbook_id=workbook.id))


# ---------------------------------------------------------------- comparing and settling


@bp.route("/<int:workbook_id>/compare")
@login_required
def compare(workbook_id: int):
    """Show every rater's ratings side by side, the spread, the flags and what to discuss."""
    workbook = services.workbook_for(workbook_id, need="viewer")
    if not services.sees_everyone(workbook, current_user.id):
        flash(_("The others' ratings stay hidden until you are done rating, so nobody "
                "steers your judgement."), "info")
        return redirect(url_for("team.rate", workbook_id=workbook.id))
    rows = services.compare_accounts(workbook)
    is_owner = workbook.owner_id == current_user.id
    forms = {}
    if is_owner:
        for row in rows:
            agreed = row.account.agreed
            proposal = agreed.code if agreed else row.comparison.consensus_fit.suggested_code
            form = AgreeForm(prefix=f"a{row.account.id}", formdata=None,
                             code=str(proposal) if proposal else "1",
                             note=agreed.note if agreed else "")
            form.revision.data = workbook.revision
            forms[row.account.id] = form
    return render_template("team/compare.html", workbook=workbook, rows=rows,
                           discuss=services.to_discuss(rows), raters=services.raters_of(workbook),
                           criteria=scoring.CRITERIA, forms=forms, is_owner=is_owner)


@bp.route("/<int:workbook_id>/agree/<int:account_id>", methods=["POST"])
@login_required
def agree(workbook_id: int, account_id: int):
    """Record the code the team agreed on for an account, with a note."""
    workbook = services.workbook_for(workbook_id, need="owner")
    account = workbook_services.own_account(workbook, account_id)
    form = AgreeForm(prefix=f"a{account.id}")
    if not form.validate_on_submit():
        flash(_("Choose a code and write down why the team chose it."), "error")
        return redirect(url_for("team.compare", workbook_id=workbook.id,
                                _anchor=f"account-{account.id}")), 303
    record(workbook, f"account:{account.id}:agreed", current_user.id, form.based_on(),
           {"what": "override", "name": account.name})
    services.record_agreed(workbook, account, int(form.code.data), form.note.data.strip(),
                           current_user.id)
    flash(_("The agreed code for %(name)s is recorded.", name=account.name), "success")
    return redirect(url_for("team.compare", workbook_id=workbook.id,
                            _anchor=f"account-{account.id}"))
