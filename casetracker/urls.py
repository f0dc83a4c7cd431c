from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .views import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("", include("public.urls")),
    path("api/", include("api.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
