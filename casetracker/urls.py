from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.urls.converters import StringConverter

from cases import search
from cases import views as cases
from filings import views as filings
from filings.models import SOURCE_KEY_CHARACTERS

from .views import healthz


class SourceKeyConverter(StringConverter):
    """What a source key may be, as the model validates it."""

    regex = rf"(?!\.+/){SOURCE_KEY_CHARACTERS}"


register_converter(SourceKeyConverter, "sourcekey")

urlpatterns = [
    path("", cases.home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/<slug:slug>/", cases.case_detail, name="case-detail"),
    path("preview/cases/<slug:slug>/", cases.case_preview, name="case-preview"),
    path("timeline/", filings.timeline, name="timeline"),
    path("parties/", cases.party_list, name="party-list"),
    path("parties/<slug:slug>/", cases.party_detail, name="party-detail"),
    path("agencies/", cases.agency_list, name="agency-list"),
    path("agencies/<slug:slug>/", cases.agency_detail, name="agency-detail"),
    path("sources/<sourcekey:key>/", filings.source_detail, name="source-detail"),
    path("search/", search.search, name="search"),
    path("", include("filings.urls")),
    path("api/", include("api.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
