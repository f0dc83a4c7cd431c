from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public site"

    def ready(self):
        from core.caching import dependencies as cache_dependencies

        from . import dependencies

        cache_dependencies.declare(dependencies.PAGES, dependencies.touched, dependencies.pages_of)
