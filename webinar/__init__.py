"""Code 1-2-3: sales training on which customers fit, with a workbook and an action plan."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask

from webinar.config import ROOT, build_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(build_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
        if "BASE_URL" in config:
            app.config["BASE_URL_SET"] = True
            if "TRUSTED_HOSTS" not in config:
                from webinar.links import trusted_hosts

                app.config["TRUSTED_HOSTS"] = trusted_hosts(config["BASE_URL"],
                                                             os.environ.get("TRUSTED_HOSTS"))
    _check_folders(app)
    _check_base_url(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def _check_folders(app: Flask) -> None:
    folders = (app.template_folder, app.static_folder, app.config["BABEL_TRANSLATION_DIRECTORIES"])
    for folder in folders:
        if not Path(folder).is_dir():
            raise RuntimeError(f"missing folder {folder}: run from a complete checkout")


def _check_base_url(app: Flask) -> None:
    """Refuse to serve in production without BASE_URL: every link in a mail is built from it.

    Production is gunicorn (the README's command) or an app behind a proxy; the laptop
    (scripts/run.sh sets BASE_URL itself), tests and commands keep the local default.
    """
    if app.debug or app.testing or app.config.get("BASE_URL_SET"):
        return
    if "gunicorn" in sys.modules or app.config.get("TRUSTED_PROXIES"):
        raise RuntimeError(
            "BASE_URL is not set. Set it to the public address people use, e.g. "
            "BASE_URL=https://code123.example.nl: password-reset, invite and share links are "
            "built from it, and requests for any other host are refused.")


def register_extensions(app: Flask) -> None:
    from webinar import db, i18n, security
    from webinar.auth import sessions
    from webinar.extensions import csrf, limiter, login_manager

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    sessions.init_login_manager(login_manager)
    security.init_app(app)
    from webinar import method
    from webinar.links import external_url

    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals.update(method.TEMPLATE_GLOBALS)


def register_blueprints(app: Flask) -> None:
    from webinar.admin import bp as admin_bp
    from webinar.auth import bp as auth_bp
    from webinar.cohorts import bp as cohorts_bp
    from webinar.frontdoor import bp as frontdoor_bp
    from webinar.lessons import bp as lessons_bp
    from webinar.library import bp as library_bp
    from webinar.live import bp as live_bp
    from webinar.main import bp as main_bp
    from webinar.plan import bp as plan_bp
    from webinar.team import bp as team_bp
    from webinar.workbook import bp as workbook_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(workbook_bp, url_prefix="/workbook")
    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(lessons_bp, url_prefix="/lessons")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(plan_bp, url_prefix="/plan")
    app.register_blueprint(cohorts_bp, url_prefix="/cohorts")
    app.register_blueprint(library_bp, url_prefix="/library")
    app.register_blueprint(live_bp)
    app.register_blueprint(team_bp, url_prefix="/team")
    app.register_blueprint(frontdoor_bp)


def register_request_hooks(app: Flask) -> None:
    from webinar import hooks

    hooks.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from webinar import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from webinar import cli

    cli.init_app(app)
