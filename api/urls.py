"""The read-only JSON API under /api/ and its OpenAPI schema.

In a browser, each address shows DRF's browsable API: the same data as HTML,
with the filters as a form, served from this site alone (drf-spectacular's
Redoc and Swagger pages would load their scripts from a CDN).

URL names live in the "api" namespace, apart from the pages' own names.
Entries are named by their case and slug, a two-part key that DRF's routers
cannot express, so the routes are written out.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView

from . import views

app_name = "api"

RESOURCES = {
    "cases": "case-list",
    "filings": "filing-list",
    "parties": "party-list",
    "agencies": "agency-list",
    "sources": "source-list",
}
LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("", APIRootView.as_view(api_root_dict=RESOURCES), name="root"),
    path("cases/", views.CaseViewSet.as_view(LIST), name="case-list"),
    path("cases/<slug:slug>/", views.CaseViewSet.as_view(DETAIL), name="case-detail"),
    path("filings/", views.FilingViewSet.as_view(LIST), name="filing-list"),
    path(
        "filings/<slug:case>/<slug:slug>/",
        views.FilingViewSet.as_view(DETAIL),
        name="filing-detail",
    ),
    path("parties/", views.PartyViewSet.as_view(LIST), name="party-list"),
    path("parties/<slug:slug>/", views.PartyViewSet.as_view(DETAIL), name="party-detail"),
    path("agencies/", views.AgencyViewSet.as_view(LIST), name="agency-list"),
    path("agencies/<slug:slug>/", views.AgencyViewSet.as_view(DETAIL), name="agency-detail"),
    path("sources/", views.SourceViewSet.as_view(LIST), name="source-list"),
    # sourcekey: the characters a source key may have (registered in casetracker/urls.py).
    path("sources/<sourcekey:key>/", views.SourceViewSet.as_view(DETAIL), name="source-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Anything else under /api/ (such as a slug with a space or a newline) answers
    # the API's JSON 404. Addresses without the final slash still get redirected to it.
    re_path(r"^[\s\S]*/$", views.NotFoundView.as_view()),
]
