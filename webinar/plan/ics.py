"""The eight weeks as an iCalendar file: one all-day event a week with that week's actions, and
the re-assessment on its date, so the plan lands in the calendar the entrepreneur already reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from webinar.domain.plan import Week


def eight_weeks(weeks: Sequence[Week], *, uid_prefix: str, company: str,
                title: Callable[[Week], str], lines: Callable[[Week], list[str]],
                reassess_title: str, reassess_text: str, language: str = "en",
                timezone: str = "Europe/Amsterdam") -> bytes:
    """The calendar; the texts come in already translated (titles per week, its action lines).

    The events are whole days, the same days in every time zone; the calendar still names the
    participant's zone (X-WR-TIMEZONE, read by Google and Apple) and every text its language.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Code 1-2-3//action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", company)
    calendar.add("x-wr-timezone", timezone)
    text = {"LANGUAGE": language}
    stamp = datetime.now(UTC).replace(microsecond=0)
    for week in weeks:
        event = Event()
        event.add("uid", f"{uid_prefix}-week-{week.number}-{week.starts_on.isoformat()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", week.starts_on)
        event.add("dtend", week.starts_on + timedelta(days=1))
        event.add("summary", title(week), parameters=text)
        event.add("description", "\n".join(f"- {line}" for line in lines(week)),
                  parameters=text)
        event.add("transp", "TRANSPARENT")  # a reminder of the week, not a busy day
        calendar.add_component(event)
        if week.reassessment_on:
            event = Event()
            event.add("uid", f"{uid_prefix}-reassess-{week.reassessment_on.isoformat()}")
            event.add("dtstamp", stamp)
            event.add("dtstart", week.reassessment_on)
            event.add("dtend", week.reassessment_on + timedelta(days=1))
            event.add("summary", reassess_title, parameters=text)
            event.add("description", reassess_text, parameters=text)
            calendar.add_component(event)
    return calendar.to_ical()
