"""The historical models live here but are defined by django-simple-history,
from ``track_history()`` in cases/models.py. This module exists so that Django
treats history as an app with models: dumpdata skips apps without one, and
backups must include history."""
