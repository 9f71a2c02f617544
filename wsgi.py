"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from webinar import create_app

app = create_app()
