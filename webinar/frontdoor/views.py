"""The front-door check for the owner and through a share link, and the owner's share links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webinar import db
from webinar.extensions import limiter
from webinar.frontdoor import bp, services
from webinar.frontdoor.forms import CheckForm, LinkForm
from webinar.links import external_url
from webinar.models import FrontDoorLink
from webinar.team.forms import ActionForm
from webinar.workbook import services as workbook_services


def _shared_limit() -> str:
    return current_app.config.get("FRONTDOOR_LIMIT", "60 per 10 minutes")


def check_page(workbook, *, may_add: bool, user_id: int | None, action: str, shared: bool):
    """Show the check form; on POST score the prospect, and add it when asked and allowed.

    Through a share link the page shows the workbook's name, its unique added value and the
    criteria's result for the prospect typed in — nothing else of the workbook.
    """
    form = CheckForm()
    result = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            prospect = services.prospect_from(form)
            result = services.check(workbook, prospect)
            if form.add.data:
                if not may_add:
                    abort(403)
                services.add_to_pipeline(workbook, prospect, user_id)
                flash(_("%(name)s is added to the pipeline.", name=prospect.name), "success")
                return redirect(action)
        else:
            status = 422
    return render_template("frontdoor/check.html", company=workbook.company_name,
                           value_elements=[e.text for e in workbook.value_elements],
                           form=form, result=result, may_add=may_add, action=action,
                           shared=shared, workbook_id=None if shared else workbook.id), status


@bp.route("/front-door/", methods=["GET", "POST"])
@login_required
def check():
    """The front-door check of my latest workbook (or of ?workbook=<id>)."""
    workbook_id = request.args.get("workbook", type=int)
    workbook = (workbook_services.own_workbook(workbook_id) if workbook_id
                else workbook_services.latest_workbook(current_user.id))
    if workbook is None:
        flash(_("Start your workbook first: enter your company's name."), "info")
        return redirect(url_for("workbook.index"))
    return check_page(workbook, may_add=True, user_id=current_user.id, shared=False,
                      action=url_for("frontdoor.check", workbook=workbook.id))


@bp.route("/check/<token>", methods=["GET", "POST"])
@limiter.limit(_shared_limit)
def shared(token: str):
    """The front-door check through a share link, for salespeople without an account."""
    link = services.link_by_token(token)
    if link is None:
        return render_template("errors/error.html", status=404, title=_("Page not found"),
                               text=_("This link is wrong or no longer valid.")), 404
    return check_page(link.workbook, may_add=link.may_add, user_id=None,
                      action=url_for("frontdoor.shared", token=token), shared=True)


def _links_page(workbook, form=None, new_url=None, status=200):
    return render_template("frontdoor/links.html", workbook=workbook, form=form or LinkForm(),
                           links=services.links_of(workbook), new_url=new_url,
                           action=ActionForm()), status


@bp.route("/front-door/<int:workbook_id>/links", methods=["GET", "POST"])
@login_required
def links(workbook_id: int):
    """List my share links for the front-door check, and create one (shown once)."""
    workbook = workbook_services.own_workbook(workbook_id)
    if request.method == "GET":
        return _links_page(workbook)
    form = LinkForm()
    if not form.validate_on_submit():
        return _links_page(workbook, form, status=422)
    _link, token = services.create_link(workbook, (form.label.data or "").strip(),
                                        form.may_add.data)
    return _links_page(workbook, new_url=external_url("frontdoor.shared", token=token))


@bp.route("/front-door/<int:workbook_id>/links/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke(workbook_id: int, link_id: int):
    """Revoke a share link: it stops working at once."""
    workbook = workbook_services.own_workbook(workbook_id)
    link = db.session().get(FrontDoorLink, link_id)
    if link is None or link.workbook_id != workbook.id or not ActionForm().validate_on_submit():
        abort(404)
    services.revoke(link)
    flash(_("The link is revoked."), "success")
    return redirect(url_for("frontdoor.links", workbook_id=workbook.id))
