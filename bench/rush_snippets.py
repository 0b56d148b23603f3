"""The registration rush's two database snippets, run by `manage.py shell`: make a ticket type,
count its seats and rows. Shared by bench/registration_rush.py and deploy/test-cluster.sh, and
free of the bench harness so that the cluster test can import it as `bench.rush_snippets`.
"""

# A fresh ticket type per round: requests still in flight from a round cannot touch the next.
SETUP = """
from events.models import Event
from registrations.models import TicketType
event = Event.objects.get(slug="move-together-week")
print(TicketType.objects.create(event=event, name="Rush %s", capacity=%d).pk)
"""

# Counted in one snapshot: registrations still committing (under load, after wrk stopped) must
# not make the counter and the rows look apart.
COUNT = """
import json
from django.db import connection, transaction
from django.db.models import Count, Sum
from registrations.models import Registration, TicketType
with transaction.atomic():
    connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    ticket = TicketType.objects.get(pk=%d)
    rows = Registration.objects.filter(ticket_type=ticket)
    by_status = dict(rows.values_list("status").annotate(n=Count("id")))
    held = rows.filter(status__in=["confirmed", "pending-payment"]).aggregate(s=Sum("seats"))["s"]
print(json.dumps({"capacity": ticket.capacity, "taken": ticket.taken, "held_seats": held or 0,
                  **by_status}))
"""
