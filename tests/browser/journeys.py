"""What the role journeys share: the two ways a person comes (Dutch on a phone, English on a
laptop), the words each language shows, and the checks made on every page on the way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE

LAPTOP = {"width": 1280, "height": 800}

# Dutch on a phone, English on a laptop: the two ways the issue asks every journey to be walked.
WAYS = {
    "nl-phone": {"locale": "nl-NL", "viewport": PHONE, "is_mobile": True, "has_touch": True},
    "en-laptop": {"locale": "en-GB", "viewport": LAPTOP},
}

WORDS = {
    "nl": {
        "create account": "Account aanmaken", "name": "Je naam", "email": "E-mailadres",
        "password": "Wachtwoord", "repeat password": "Herhaal wachtwoord", "log in": "Inloggen",
        "overview": "Je overzicht", "overview nav": "Overzicht", "main menu": "Hoofdmenu",
        "start workbook": "Begin je werkboek", "company": "Naam van je bedrijf",
        "begin": "Begin het werkboek", "value": "Unieke toegevoegde waarde",
        "element": "Onderdeel", "to criteria": "Opslaan en naar de criteria",
        "save criteria": "Criteria opslaan", "steps": "Waar je bent in het werkboek",
        "pipeline": "Klantenlijst", "rate": "Beoordeel de klanten",
        "team step": "Samen beoordelen", "incentives": "Beloning van verkopers",
        "insights": "Inzichten", "plan": "Actieplan", "crm file": "Export uit je CRM",
        "read file": "Lees het bestand", "check import": "Controleer de import",
        "import rows": "rijen importeren", "imported": "Geïmporteerd:",
        "saved": "Opgeslagen.", "invite": "Maak een uitnodigingslink",
        "front door": "Voordeurcheck voor nieuwe leads", "company name": "Bedrijfsnaam",
        "check": "Controleer", "save": "Opslaan", "hours go": "Waar je verkoopuren naartoe gaan",
        "decision": "Besluit", "next step": "Volgende stap",
        "save plan": "Opslaan en mijn plan tonen",
        "decisions saved": "Je besluiten zijn opgeslagen.",
        "download": "Download het plan (pdf)", "start weeks": "Start acht weken focus",
        "reassessment": "Herbeoordeling", "reassess on": "Herbeoordeling op",
        "decisions made": "besluit", "stop": "Stoppen", "log out": "Uitloggen",
        "breadcrumb": "Kruimelpad", "join": "Meedoen met een webinar", "code field": "Deelnamecode",
    },
    "en": {
        "create account": "Create account", "name": "Your name", "email": "Email address",
        "password": "Password", "repeat password": "Repeat password", "log in": "Log in",
        "overview": "Your overview", "overview nav": "Overview", "main menu": "Main",
        "start workbook": "Start your workbook", "company": "Your company's name",
        "begin": "Start the workbook", "value": "Unique added value",
        "element": "Element", "to criteria": "Save and go to the criteria",
        "save criteria": "Save criteria", "steps": "Where you are in the workbook",
        "pipeline": "Pipeline", "rate": "Rate the accounts",
        "team step": "Judge together", "incentives": "Sales incentives",
        "insights": "Insights", "plan": "Action plan", "crm file": "CRM or spreadsheet export",
        "read file": "Read the file", "check import": "Check the import",
        "import rows": "Import ", "imported": "Imported:",
        "saved": "Saved.", "invite": "Create invitation link",
        "front door": "Front-door check for new leads", "company name": "Company name",
        "check": "Check", "save": "Save", "hours go": "Where your sales hours go",
        "decision": "Decision", "next step": "Next step",
        "save plan": "Save and show my plan", "decisions saved": "Your decisions are saved.",
        "download": "Download the plan (PDF)", "start weeks": "Start eight weeks of focus",
        "reassessment": "Re-assessment", "reassess on": "Re-assessment on",
        "decisions made": "decision", "stop": "Stop", "log out": "Log out",
        "breadcrumb": "Breadcrumb", "join": "Join a webinar", "code field": "Join code",
    },
}


def fits_the_screen(page) -> None:
    """Nothing on the page makes it scroll sideways."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def main_menu(page, words):
    return page.get_by_role("navigation", name=words["main menu"], exact=True)


def heading(page, text):
    return expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def button(page, name):
    return page.get_by_role("button", name=re.compile(re.escape(name)))
