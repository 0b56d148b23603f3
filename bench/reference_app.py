"""The bare Django views the speed targets are measured against (the registration and speed
issues): one that locks a row and inserts, and one that verifies an Ed25519 signature and
updates one row. No middleware, no authentication, no ORM: a floor for this machine, served by
the same gunicorn on the same PostgreSQL as the product. bench/reference.py makes its tables
and runs it.

    DATABASE_URL=postgres://... gunicorn --chdir bench reference_app
"""

import json
import os
import sys
from base64 import urlsafe_b64decode

from django.conf import settings

if not settings.configured:
    import dj_database_url

    settings.configure(
        DEBUG=False,
        SECRET_KEY="reference-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
    )

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


def _public_key() -> Ed25519PublicKey:
    raw = urlsafe_b64decode(os.environ["REFERENCE_PUBLIC_KEY"] + "==")
    return Ed25519PublicKey.from_public_bytes(raw)


PUBLIC_KEY = _public_key() if "REFERENCE_PUBLIC_KEY" in os.environ else None


@csrf_exempt
def lock_and_insert(request):
    email = json.loads(request.body)["email"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT taken FROM reference_seat WHERE id = 1 FOR UPDATE")
        cursor.execute("UPDATE reference_seat SET taken = taken + 1 WHERE id = 1")
        cursor.execute(
            "INSERT INTO reference_registration (seat_id, email) VALUES (1, %s) RETURNING id",
            [email],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk, "status": "confirmed"}, status=201)


@csrf_exempt
def verify_and_update(request):
    token = json.loads(request.body)["token"]
    payload, signature = token.split(".")
    PUBLIC_KEY.verify(urlsafe_b64decode(signature + "=="), payload.encode())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reference_ticket SET checked_in_at = now() "
            "WHERE id = %s AND checked_in_at IS NULL",
            [int(payload)],
        )
        result = "valid" if cursor.rowcount else "already"
    # Compact, as DRF writes the product's answer: bench/checkin.lua counts the answers by it.
    return JsonResponse({"result": result}, json_dumps_params={"separators": (",", ":")})


urlpatterns = [
    path("", lambda request: JsonResponse({"up": True})),
    path("register/", lock_and_insert),
    path("checkin/", verify_and_update),
]

application = get_wsgi_application()

if __name__ == "__main__":
    sys.exit("Serve with gunicorn: see bench/reference.py")
