from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from surveys import receivers  # noqa: F401  (connects the signal receivers)
