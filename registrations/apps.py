from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"

    def ready(self):
        from registrations import desks, doors

        desks.DESK_DATA.watch()
        doors.DOOR_DATA.watch()
