from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .caching import record_changed, record_saving, relation_changed

        # Any change to the record bumps the page cache's tokens of what it touches.
        pre_save.connect(record_saving, dispatch_uid="record_saving")
        for signal in (post_save, pre_delete):
            signal.connect(record_changed, dispatch_uid="record_changed")
        m2m_changed.connect(relation_changed, dispatch_uid="relation_changed")
