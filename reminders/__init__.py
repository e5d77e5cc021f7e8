"""The school calendar, schedules and the outbox sender."""
