"""Feeds, calendar and CSV exports: ways to follow and reuse the record."""

from django.urls import path

from . import exports, feeds

urlpatterns = [
    path("feed/", feeds.LatestEntriesFeed(), name="feed"),
    path("cases/<slug:slug>/feed/", feeds.CaseFeed(), name="case-feed"),
    path("parties/<slug:slug>/feed/", feeds.PartyFeed(), name="party-feed"),
    path("agencies/<slug:slug>/feed/", feeds.AgencyFeed(), name="agency-feed"),
    path("cases/<slug:slug>/calendar.ics", exports.case_calendar, name="case-calendar"),
    path("cases/<slug:slug>/timeline.csv", exports.case_timeline_csv, name="case-timeline-csv"),
    path("cases.csv", exports.case_list_csv, name="case-list-csv"),
]
