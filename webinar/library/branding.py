"""A cohort's branding as pages and PDFs use it: its accent colour and its logo."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from webinar import db
from webinar.domain.branding import dark_variant
from webinar.models import Cohort, MediaFile


@dataclass(frozen=True)
class Brand:
    accent: str | None = None
    logo_url: str | None = None
    logo_id: int | None = None

    @property
    def css_url(self) -> str | None:
        """A stylesheet that sets the accent: the pages' CSP allows no inline style."""
        if not self.accent:
            return None
        return url_for("library.brand_css", colour=self.accent.lstrip("#"))

    @property
    def accent_dark(self) -> str | None:
        return dark_variant(self.accent) if self.accent else None


def for_cohort(cohort: Cohort | None) -> Brand:
    if cohort is None:
        return Brand()
    logo = db.session().get(MediaFile, cohort.brand_logo_id) if cohort.brand_logo_id else None
    return Brand(cohort.brand_accent, url_for("library.media", token=logo.token) if logo else None,
                 logo.id if logo else None)


def pdf_logo(cohort: Cohort | None) -> tuple[str | None, dict[str, tuple[str, bytes]]]:
    """The logo's address inside a PDF, and the file the renderer may serve for it."""
    if cohort is None or not cohort.brand_logo_id:
        return None, {}
    logo = db.session().get(MediaFile, cohort.brand_logo_id)
    if logo is None:
        return None, {}
    path = f"media/{logo.token}"
    return "/" + path, {path: (logo.mime, logo.data)}


def css(accent: str) -> str:
    return (f":root {{ --brand: {accent}; --brand-dark: {dark_variant(accent)}; }}\n"
            ".site-header, .brand-band { background: var(--brand-dark); }\n")
