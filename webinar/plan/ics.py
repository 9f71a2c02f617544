"""The eight weeks as an iCalendar file: one all-day event a week with that week's actions, and
the re-assessment on its date, so the plan lands in the calendar the entrepreneur already reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from webinar.domain.plan import Week


def eight_weeks(weeks: Sequence[Week], *, uid_prefix: str, company: str,
                title: Callable[[Week], str], lines: Callable[[Week], list[str]],
                reassess_title: str, reassess_text: str) -> bytes:
    """The calendar; the texts come in already translated (titles per week, its action lines)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Code 1-2-3//action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", company)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for week in weeks:
        event = Event()
        event.add("uid", f"{uid_prefix}-week-{week.number}-{week.starts_on.isoformat()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", week.starts_on)
        event.add("dtend", week.starts_on + timedelta(days=1))
        event.add("summary", title(week))
        event.add("description", "\n".join(f"- {line}" for line in lines(week)))
        event.add("transp", "TRANSPARENT")  # a reminder of the week, not a busy day
        calendar.add_component(event)
        if week.reassessment_on:
            event = Event()
            event.add("uid", f"{uid_prefix}-reassess-{week.reassessment_on.isoformat()}")
            event.add("dtstamp", stamp)
            event.add("dtstart", week.reassessment_on)
            event.add("dtend", week.reassessment_on + timedelta(days=1))
            event.add("summary", reassess_title)
            event.add("description", reassess_text)
            calendar.add_component(event)
    return calendar.to_ical()
