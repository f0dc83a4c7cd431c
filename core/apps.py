from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .caching import record_changed

        # Any change to the record names a new revision for the page cache.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(record_changed, dispatch_uid="record_changed")
