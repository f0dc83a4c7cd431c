"""Feeds, calendar and CSV exports (built in issue 5)."""

urlpatterns = []
