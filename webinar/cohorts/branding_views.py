"""A cohort's branding: its logo and accent colour, checked for contrast before use."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webinar.auth.roles import TRAINERS, role_required
from webinar.cohorts import bp
from webinar.cohorts.views import _own_or_404
from webinar.domain.branding import AA_NORMAL
from webinar.library import branding
from webinar.library import services as library
from webinar.library.forms import BrandingForm


@bp.route("/<int:cohort_id>/branding", methods=["GET", "POST"])
@role_required(*TRAINERS)
def branding_page(cohort_id: int):
    """Set the cohort's logo and accent colour."""
    cohort = _own_or_404(cohort_id)
    form = BrandingForm(data={"accent": cohort.brand_accent or ""})
    if form.validate_on_submit():
        checked = form.checked
        if checked is None:
            cohort.brand_accent = None
        elif checked.passes:
            cohort.brand_accent = checked.asked
        else:
            cohort.brand_accent = checked.suggestion
            flash(_("%(asked)s is too light to read white text on (contrast %(ratio)s:1; at "
                    "least %(needed)s:1 is needed). We use %(used)s instead: the same colour, "
                    "darker.", asked=checked.asked, ratio=f"{checked.ratio:.1f}",
                    needed=AA_NORMAL, used=checked.suggestion), "info")
        if form.clean_logo is not None:
            cohort.brand_logo_id = library.keep_image(current_user, form.clean_logo).id
        elif form.remove_logo.data:
            cohort.brand_logo_id = None
        flash(_("The branding is saved."), "success")
        return redirect(url_for(".branding_page", cohort_id=cohort.id), 303)
    return render_template("cohorts/branding.html", cohort=cohort, form=form,
                           brand=branding.for_cohort(cohort)), 422 if form.errors else 200
