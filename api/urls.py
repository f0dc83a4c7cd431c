"""The read-only JSON API under /api/ (built in issue 5)."""

urlpatterns = []
