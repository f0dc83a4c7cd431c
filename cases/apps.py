from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from .caching import record_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(record_changed, dispatch_uid="record_changed")
