"""Every public page and format: what readers browse, follow and reuse."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from filings.models import SOURCE_KEY_CHARACTERS

from . import exports, feeds, search, views


class SourceKeyConverter(StringConverter):
    """What a source key may be, as the model validates it."""

    regex = rf"(?!\.+/){SOURCE_KEY_CHARACTERS}"


register_converter(SourceKeyConverter, "sourcekey")

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<slug:slug>/", views.case_detail, name="case-detail"),
    path("preview/cases/<slug:slug>/", views.case_preview, name="case-preview"),
    path("timeline/", views.timeline, name="timeline"),
    path("parties/", views.party_list, name="party-list"),
    path("parties/<slug:slug>/", views.party_detail, name="party-detail"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency-detail"),
    path("sources/<sourcekey:key>/", views.source_detail, name="source-detail"),
    path("search/", search.search, name="search"),
    # Ways to follow and reuse the record: feeds, calendar and CSV exports.
    path("feed/", feeds.LatestEntriesFeed(), name="feed"),
    path("cases/<slug:slug>/feed/", feeds.CaseFeed(), name="case-feed"),
    path("parties/<slug:slug>/feed/", feeds.PartyFeed(), name="party-feed"),
    path("agencies/<slug:slug>/feed/", feeds.AgencyFeed(), name="agency-feed"),
    path("cases/<slug:slug>/calendar.ics", exports.case_calendar, name="case-calendar"),
    path("cases/<slug:slug>/timeline.csv", exports.case_timeline_csv, name="case-timeline-csv"),
    path("cases.csv", exports.case_list_csv, name="case-list-csv"),
]
