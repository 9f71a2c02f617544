"""Register, log in and out, reset and change the password, delete the account."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from webinar import db, outbox
from webinar.auth import bp, data, services, sessions, throttle
from webinar.auth.forms import (
    ChangePasswordForm,
    ConsentForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from webinar.downloads import content_disposition
from webinar.extensions import limiter
from webinar.links import external_url
from webinar.models import CohortMember, utcnow
from webinar.security import safe_next


def _register_limit() -> str:
    return current_app.config["REGISTER_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Create a participant account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                form.email.data, form.password.data, form.display_name.data, str(get_locale())
            )
        except services.EmailTaken:
            form.email.errors.append(
                _("There is already an account with this email address. Log in, or reset "
                  "your password if you forgot it.")
            )
        else:
            sessions.start(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    target = safe_next(request.args.get("next"), url_for("main.home"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        wait = throttle.retry_after(email)
        if wait:
            form.form_errors.append(
                _("Too many failed attempts. Wait 15 minutes, or reset your password.")
            )
            response = current_app.make_response(
                (render_template("auth/login.html", form=form), 429))
            response.headers["Retry-After"] = str(wait)
            return response
        else:
            user = services.authenticate(email, form.password.data)
            if user is None:
                throttle.record_failure(email)
                form.form_errors.append(_("That email address and password do not match."))
                status = 401
            else:
                sessions.start(user, remember=form.remember.data)
                return redirect(target)
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out on this device."""
    sessions.end(current_user._get_current_object())
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a password reset link by email."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None and user.password_hash:
            link = external_url("auth.reset_password", token=services.reset_token(user))
            with force_locale(user.locale or str(get_locale())):
                outbox.enqueue(
                    user.email,
                    _("Reset your Code 1-2-3 password"),
                    _(
                        "Hello %(name)s,\n\nSomeone asked to reset the password of your Code 1-2-3 "
                        "account. If that was you, open this link within an hour:\n\n%(link)s\n\n"
                        "If it was not you, ignore this mail; your password stays as it is.",
                        name=user.display_name,
                        link=link,
                    ),
                    kind="password_reset", user_id=user.id,
                )
        # The same answer whether or not the address has an account.
        flash(_("If that address has an account, a reset link is on its way. "
                "It works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        sessions.end_others(user)
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


def _memberships() -> list[CohortMember]:
    """My cohorts, each with its trainer, for giving or withdrawing consent per cohort."""
    return list(db.session().scalars(
        select(CohortMember).where(CohortMember.user_id == current_user.id)
        .order_by(CohortMember.joined_at.desc(), CohortMember.id.desc())))


@bp.route("/", methods=["GET"])
@login_required
def profile():
    """Show the account page."""
    return render_template(
        "auth/profile.html",
        password_form=ChangePasswordForm(),
        delete_form=DeleteAccountForm(),
        consent_form=ConsentForm(),
        memberships=_memberships(),
    )


@bp.route("/consent", methods=["POST"])
@login_required
def consent():
    """Give or withdraw consent to show my trainer my individual workbooks and plans."""
    form = ConsentForm()
    membership = None
    if form.validate_on_submit() and form.share.data in ("0", "1") \
            and (form.cohort.data or "").isdigit() and len(form.cohort.data) < 12:
        membership = db.session().scalar(select(CohortMember).where(
            CohortMember.user_id == current_user.id,
            CohortMember.cohort_id == int(form.cohort.data)))
    if membership is None:
        flash(_("That did not work. Try again."), "error")
        return redirect(url_for("auth.profile"), 303)
    trainer = membership.cohort.trainer.display_name
    if form.share.data == "1":
        membership.shares_results_since = membership.shares_results_since or utcnow()
        flash(_("%(trainer)s can now see your workbooks and plans in %(cohort)s.",
                trainer=trainer, cohort=membership.cohort.name), "success")
    else:
        membership.shares_results_since = None
        flash(_("%(trainer)s can no longer see your workbooks and plans.", trainer=trainer),
              "info")
    return redirect(url_for("auth.profile"), 303)


@bp.route("/export.json")
@login_required
def export_data():
    """Download everything the app holds about me, as JSON."""
    body = json.dumps(data.export(current_user._get_current_object()), ensure_ascii=False,
                      indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = content_disposition("code123-my-data.json")
    return response


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    """Change the password and sign out every other device."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if services.check_password(user, form.current_password.data):
            services.set_password(user, form.password.data)
            sessions.end_others(user)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("auth.profile"))
        form.current_password.errors.append(_("That is not your current password."))
    return render_template(
        "auth/profile.html", password_form=form, delete_form=DeleteAccountForm(),
        consent_form=ConsentForm(),
        memberships=_memberships(),
    ), 422


@bp.route("/delete", methods=["POST"])
@login_required
def delete_account():
    """Delete the account and everything in it."""
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if user.is_guest or services.check_password(user, form.password.data):
            sessions.end(user)
            services.delete_account(user)
            flash(_("Your account and all its data are deleted."), "info")
            return redirect(url_for("main.home"))
        form.password.errors.append(
            _("Enter your password to confirm.") if not form.password.data
            else _("That is not your password.")
        )
    return render_template(
        "auth/profile.html", password_form=ChangePasswordForm(), delete_form=form,
        consent_form=ConsentForm(),
        memberships=_memberships(),
    ), 422
