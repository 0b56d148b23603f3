from django.apps import AppConfig


class SporteventsConfig(AppConfig):
    name = "sportevents"

    def ready(self):
        from sportevents import pagecache

        pagecache.watch()
