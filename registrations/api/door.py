"""The door: check-in, the public keys that let a scanner check tickets offline, and the sync of
the scans it made meanwhile."""

import base64
from functools import cached_property

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api.common import get_visible_event
from events.models import Event
from events.permissions import EventAccess, access_for
from registrations import checkins, doors, tickets
from registrations.api.common import IsEventEditor
from registrations.models import CheckInResult, EventKey, Participant
from registrations.serializers import (
    CheckInInputSerializer,
    CheckInSyncInputSerializer,
    CheckInSyncSerializer,
    ScanSerializer,
    TicketKeysSerializer,
    live_scan,
    scan_answer,
)
from sportevents.api import validated
from sportevents.throttles import ScopedRateThrottle


class CheckInView(APIView):
    """Check a ticket in at a gate: `valid`, `already` (with the scan that counts) or `invalid`
    (with the reason as a code, and as text in the request's language). Every scan is logged.
    The event's organisers (lead and partners) only."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkin"
    data_versions = [doors.DOOR_DATA]  # read with the rate limit's counters

    @extend_schema(
        request=CheckInInputSerializer,
        responses={200: OpenApiResponse(ScanSerializer, description="The answer for the door.")},
    )
    def post(self, request):
        live = live_scan(request.data)
        door = live and doors.door_for(live.pop("event"), request.user, request)
        if door:  # the usual scan: the door kept from the scanner's earlier scans
            event = door.event
            scan = checkins.check_in(event, by=request.user, door=door, **live)
        else:
            data = validated(CheckInInputSerializer, request.data, context={"request": request})
            event = data.pop("event")
            scan = checkins.check_in(event, by=request.user, **data)
        return Response(scan_answer(scan, event))


class CheckInSyncView(APIView):
    """Send the scans an offline scanner made: each with its own time, gate and device. Each is
    checked as at the door and placed by its time: the earliest scan of a ticket is green, even
    when another device let the ticket in later while online; that later scan becomes `already`.
    The answer lists every scan's final result in the order sent, with the scan that counts for
    repeats. A scan in the future or from before the event opened for registration is `refused`
    and not recorded. The event's organisers only."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkin"

    @extend_schema(
        request=CheckInSyncInputSerializer,
        responses={200: OpenApiResponse(CheckInSyncSerializer, description="Each scan's answer.")},
    )
    def post(self, request):
        data = validated(CheckInSyncInputSerializer, request.data, context={"request": request})
        event = data["event"]
        results = checkins.sync_scans(event, scans=data["scans"], by=request.user)
        counts = {choice: 0 for choice in [*CheckInResult.values, checkins.REFUSED]}
        for synced in results:
            counts[synced.result] += 1
        answer = {"results": results, "counts": counts}
        return Response(CheckInSyncSerializer(answer, context={"event": event}).data)


class TicketKeysView(APIView):
    """The event's public keys and revoked tickets, for a scanner that checks tickets offline.
    The event's organisers only; private keys never leave the server."""

    permission_classes = [permissions.IsAuthenticated, IsEventEditor]

    @cached_property
    def event(self) -> Event:
        return get_visible_event(self.request.user, self.kwargs["slug"])

    @cached_property
    def event_access(self) -> EventAccess:
        return access_for(self.request.user, self.event)

    @extend_schema(responses={200: TicketKeysSerializer})
    def get(self, request, slug: str):
        event = self.event
        # A scanner loaded before the first ticket is signed still needs the key to come.
        tickets.signing_key(event)
        keys = [
            {
                "key_id": key_id,
                "public_key": base64.urlsafe_b64encode(public).rstrip(b"=").decode(),
                "algorithm": "Ed25519",
            }
            for key_id, public in sorted(tickets.public_keys(event).items())
        ]
        revoked = Participant.objects.filter(
            registration__event=event, ticket_revoked_at__isnull=False
        ).values_list("ticket_id", flat=True)
        retired = EventKey.objects.filter(event=event, retired_at__isnull=False).values_list(
            "key_id", flat=True
        )
        data = {
            "event": event.slug,
            "event_id": event.pk,
            "keys": keys,
            "retired_keys": sorted(retired),
            "revoked": list(revoked),
            "generated_at": timezone.now(),
        }
        return Response(TicketKeysSerializer(data).data)
