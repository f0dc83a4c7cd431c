"""Datetimes as HTML's datetime attribute takes them."""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def html_datetime(value):
    """ISO 8601 to the millisecond at most, e.g. 2026-12-01T02:55:52.766+00:00.

    The date filter's "c" writes microseconds (".766000"), and HTML allows at
    most three digits of a second. Whole seconds are written without a fraction.
    """
    if not value:
        return ""
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
