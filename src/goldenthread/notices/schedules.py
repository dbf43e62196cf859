"""The product's schedules, as django-q2 ``Schedule`` rows kept by name.

:func:`ensure_schedules` runs when the worker starts: it creates a missing schedule (due at once)
and brings an existing one's task and interval up to date without moving its next run, so
starting the worker again, or several workers, leaves one schedule of each name.
"""

from __future__ import annotations

from django.db import transaction

REMINDERS = "goldenthread: reminders and overdue actions"

#: name -> what the Schedule row says (every 15 minutes, for ever)
SCHEDULES = {
    REMINDERS: {"func": "goldenthread.notices.tasks.remind", "schedule_type": "I", "minutes": 15, "repeats": -1},
}


def ensure_schedules() -> list[str]:
    """Make each schedule exist once, as :data:`SCHEDULES` says; their names."""
    from django_q.models import Schedule

    for name, spec in SCHEDULES.items():
        with transaction.atomic():
            found = list(Schedule.objects.select_for_update().filter(name=name).order_by("pk"))
            if not found:
                Schedule.objects.create(name=name, **spec)
                continue
            schedule, extra = found[0], found[1:]
            for other in extra:
                other.delete()
            if any(getattr(schedule, field) != value for field, value in spec.items()):
                for field, value in spec.items():
                    setattr(schedule, field, value)
                schedule.save()
    return list(SCHEDULES)


def queue_due_schedules() -> None:
    """Queue the tasks of the schedules that are due now (django-q2's own scheduler pass, which the
    cluster otherwise first makes about 30 seconds after it starts)."""
    from django_q.scheduler import scheduler

    scheduler()
