"""The registration API: ticket types, registering (anonymous), the organisers' list and
cancellation, the participant's own registration at its secret link with the QR tickets,
check-in at the door, and the public keys that let a scanner check tickets offline.

Reads are scoped to what the caller may see; every write is a service call, which decides who
may make it. Domain errors become JSON by the one exception handler (sportevents/api.py).
"""

from registrations.api.door import CheckInView, TicketKeysView
from registrations.api.manage import (
    ManageCancelView,
    ManageRegistrationView,
    TicketPNGView,
    TicketSVGView,
)
from registrations.api.registrations import RegistrationCancelView, RegistrationViewSet
from registrations.api.ticket_types import TicketTypeViewSet

__all__ = [
    "CheckInView",
    "ManageCancelView",
    "ManageRegistrationView",
    "RegistrationCancelView",
    "RegistrationViewSet",
    "TicketKeysView",
    "TicketPNGView",
    "TicketSVGView",
    "TicketTypeViewSet",
]
