from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"

    def ready(self):
        from registrations import doors

        doors.DOOR_DATA.watch()
