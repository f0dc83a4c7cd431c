from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Holds the historical tables of the cases and filings models.

    django-simple-history creates them (see ``track_history`` in cases/models.py).
    Keeping them apart means ``dumpdata cases filings`` exports the record
    without its audit trail.
    """

    name = "history"
    verbose_name = "History"
