"""How surveys learns about registrations without registrations knowing of surveys: a
confirmed registration gets its baseline offer once the transaction commits, and a withdrawn
consent (or an erasure) withdraws the person's answers."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from registrations.models import Registration, RegistrationStatus
from registrations.signals import survey_consent_withdrawn
from surveys import services

log = logging.getLogger(__name__)


@receiver(post_save, sender=Registration, dispatch_uid="surveys-offer-baseline")
def offer_baseline_when_confirmed(sender, instance: Registration, **kwargs):
    if instance.status != RegistrationStatus.CONFIRMED or instance.erased_at is not None:
        return
    # After commit, when the participants are saved too (on SQLite after the registration's
    # post_save). `robust`: a survey problem is logged, it never turns a made registration into
    # an error page.
    transaction.on_commit(lambda: _offer(instance), robust=True)


def _offer(registration: Registration) -> None:
    # Consent is given only when registering. A registration read with its participants (as
    # registering leaves it) of whom none consented has nothing to offer: no query for it.
    known = getattr(registration, "_prefetched_objects_cache", {}).get("participants")
    if known is not None and not any(p.survey_consent_at for p in known):
        return
    services.offer_baseline(registration.pk)


@receiver(survey_consent_withdrawn, dispatch_uid="surveys-withdraw")
def withdraw_answers(sender, participant_ids, **kwargs):
    services.withdraw_participants(participant_ids)
