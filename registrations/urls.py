from django.urls import path

from registrations.views import data_requests, door, organiser, participant, waiting_room

app_name = "registrations"

urlpatterns = [
    # Participants: no account; the registration's page is reached by its secret link.
    path("events/<slug:slug>/register/", participant.register, name="register"),
    # Under the form's address, so that the waiting room's cookie (path-scoped) reaches it.
    path(
        "events/<slug:slug>/register/waiting-room.json",
        waiting_room.status,
        name="waiting_room_status",
    ),
    path("registrations/<str:token>/", participant.manage, name="manage"),
    path("registrations/<str:token>/cancel/", participant.cancel, name="cancel"),
    path("registrations/<str:token>/change/", participant.change, name="change"),
    path("registrations/<str:token>/tickets.pdf", participant.tickets_pdf, name="tickets_pdf"),
    path("registrations/<str:token>/my-data.json", participant.my_data, name="my_data"),
    path("registrations/<str:token>/erase/", participant.erase, name="erase"),
    path(
        "registrations/<str:token>/tickets/<uuid:ticket>.png",
        participant.ticket_png,
        name="ticket_png",
    ),
    # Organisers: members of the event's organisations who edit it
    path("events/<slug:slug>/registrations/", organiser.registration_list, name="list"),
    path("events/<slug:slug>/registrations.csv", organiser.registrations_csv, name="csv"),
    path(
        "events/<slug:slug>/registrations/<str:reference>/cancel/",
        organiser.registration_cancel,
        name="organiser_cancel",
    ),
    path("events/<slug:slug>/ticket-types/", organiser.ticket_type_list, name="ticket_types"),
    path(
        "events/<slug:slug>/ticket-types/new/",
        organiser.ticket_type_create,
        name="ticket_type_create",
    ),
    path(
        "events/<slug:slug>/ticket-types/<int:pk>/edit/",
        organiser.ticket_type_edit,
        name="ticket_type_edit",
    ),
    path("events/<slug:slug>/check-in/", door.check_in, name="check_in"),
    # Administrators of an organisation: people's data requests for the events it leads
    path(
        "organisations/<slug:slug>/data-requests/",
        data_requests.data_requests_page,
        name="data_requests",
    ),
    path(
        "organisations/<slug:slug>/data-requests/export/",
        data_requests.data_request_export,
        name="data_request_export",
    ),
    path(
        "organisations/<slug:slug>/data-requests/erase/",
        data_requests.data_request_erase,
        name="data_request_erase",
    ),
]
