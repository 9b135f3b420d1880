"""The queue's standing schedules, kept by name."""

from django_q.models import Schedule


def keep_scheduled(name: str, func: str, schedule_type: str = Schedule.DAILY, **timing) -> None:
    """Create or refresh a repeating task by its name, so migrating twice changes nothing."""
    Schedule.objects.update_or_create(
        name=name,
        defaults={"func": func, "schedule_type": schedule_type, "repeats": -1, **timing},
    )
