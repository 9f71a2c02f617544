"""Locale choice and locale-aware formatting (numbers, money, dates)."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from flask import Flask, g, request, session
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
)
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from webinar import db
from webinar.config import DEFAULT_LOCALE, SUPPORTED_LOCALES
from webinar.errors import is_database_busy
from webinar.extensions import babel


def valid_locale(value: str | None) -> str | None:
    """Return the value when it is a supported locale code, else None (an allow-list, no paths)."""
    if value and value in SUPPORTED_LOCALES:
        return value
    return None


def select_locale() -> str:
    """The user's saved choice, then the session, then ?lang=, then Accept-Language, then nl."""
    if getattr(g, "forced_locale", None):
        return g.forced_locale
    saved = _saved_locale()
    if saved:
        return saved
    chosen = valid_locale(session.get("locale")) or valid_locale(request.args.get("lang"))
    if chosen:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE


def _saved_locale() -> str | None:
    """The signed-in user's saved language, if it can be read now.

    A refused write (a stale rating) rolls the request back, which expires the user; reading
    the language again must not fail the refusal when the database is busy: the session's or
    the browser's language does then.
    """
    if not (current_user and current_user.is_authenticated):
        return None
    try:
        return valid_locale(current_user.locale)
    except OperationalError as exc:
        if not is_database_busy(exc):
            raise
        db.session().rollback()
        return None


def language_name(code: str) -> str:
    """A language's own name, as its speakers write it ("Nederlands", "English")."""
    return Locale.parse(code).get_display_name(code).capitalize()


def money(amount: Decimal | float | None, digits: int = 0) -> str:
    """Euros in the locale's own pattern (€ 12.500 / €12,500), whole euros unless asked."""
    if amount is None:
        return "–"
    if digits:
        return format_currency(amount, "EUR")
    pattern = Locale.parse(str(get_locale())).currency_formats["standard"].pattern
    return format_currency(amount, "EUR", format=pattern.replace(".00", ""), currency_digits=False)


def number(value: Decimal | float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=pattern)


def percent(share: Decimal | float | None, digits: int = 0) -> str:
    """Format a share between 0 and 1 as a percentage: "70 %" in Dutch, "70%" in English."""
    if share is None:
        return "–"
    # Dutch puts a space before the sign (a no-break one, so "70" and "%" stay on one line).
    sign = "\u00a0%" if str(get_locale()) == "nl" else "%"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + sign
    return format_percent(share, format=pattern)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        money=money, number=number, percent=percent, date=lambda d, f="medium": format_date(d, f),
        datetime=lambda d, f="medium": format_datetime(d, f),
    )

    @app.context_processor
    def _locale_context():
        current = str(get_locale())
        return {
            "current_locale": current,
            "languages": [(code, language_name(code)) for code in SUPPORTED_LOCALES],
        }
