"""Configuration read from the environment, with safe defaults.

Tests and tools pass overrides to ``create_app(config)``; nothing else mutates it.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept on disk.

    A constant key in code would let anyone forge sessions; a key generated per start would log
    everybody out on every restart and break several workers sharing one database.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when several workers start at once only the first writes; the rest read its key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def build_config(instance_path: Path) -> dict:
    """Collect the settings for one app instance from the environment."""
    from webinar.links import trusted_hosts

    base_url = (os.environ.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    https = base_url.startswith("https://")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'code123.db'}"
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "DATABASE_URL": database_url,
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000")),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Every link in a mail, QR code, share or invite link is built from BASE_URL
        # (webinar.links.external_url); requests naming any other host are refused with 400.
        "BASE_URL": base_url,
        "BASE_URL_SET": bool(os.environ.get("BASE_URL")),
        "TRUSTED_HOSTS": trusted_hosts(base_url, os.environ.get("TRUSTED_HOSTS")),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Uploads are capped at 5 MB by the import itself; the rest is form overhead.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "MAX_FORM_PARTS": 200,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # A webinar page stays open for hours; Flask-WTF's default of one hour would make
        # the last poll of a long session fail.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "WTF_CSRF_SSL_STRICT": https,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Amsterdam"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Code 1-2-3 <no-reply@localhost>"),
        # The outbox's sender (flask send-mail): the first wait after a temporary failure
        # (doubling up to an hour), the tries before a mail counts as failed, and how long a
        # sender's claim on its batch lasts (a stopped sender's mail is taken over after it).
        "MAIL_RETRY_SECONDS": float(os.environ.get("MAIL_RETRY_SECONDS", "30")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_LEASE_SECONDS": float(os.environ.get("MAIL_LEASE_SECONDS", "120")),
        "PASSWORD_RESET_MAX_AGE": 3600,
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 15 minutes"),
        "REGISTER_LIMIT": os.environ.get("REGISTER_LIMIT", "10 per hour"),
    }
