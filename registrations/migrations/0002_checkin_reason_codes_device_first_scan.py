"""Check-in reasons become stable codes (shown in the reader's language); scans remember the
device, when the server received them, and for a repeat the scan that counts."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The sentences stored before, in English; those in other languages stay as they were.
OLD_SENTENCES = {
    "Not a ticket: the code cannot be read.": "unreadable",
    "This ticket is for another event.": "other_event",
    "Signed with a key that is no longer valid: issue a new ticket.": "retired_key",
    "Forged or altered ticket: the signature does not match.": "forged",
    "Unknown ticket.": "unknown",
    "This ticket was cancelled.": "cancelled",
    "Already checked in.": "already",
}


def sentences_to_codes(apps, schema_editor):
    CheckIn = apps.get_model("registrations", "CheckIn")
    # Scans so far were all received as they happened.
    CheckIn.objects.update(received_at=models.F("scanned_at"))
    for sentence, code in OLD_SENTENCES.items():
        CheckIn.objects.filter(reason=sentence).update(reason=code)
    # "This registration is not confirmed (Pending payment)." and the like.
    CheckIn.objects.filter(reason__startswith="This registration is not confirmed").update(
        reason="not_confirmed"
    )
    # Repeats point at the green scan of the same ticket.
    valid = CheckIn.objects.filter(participant=models.OuterRef("participant"), result="valid")
    CheckIn.objects.filter(result="already", participant__isnull=False).update(
        first_scan=models.Subquery(valid.values("pk")[:1])
    )


def codes_to_sentences(apps, schema_editor):
    CheckIn = apps.get_model("registrations", "CheckIn")
    for sentence, code in OLD_SENTENCES.items():
        CheckIn.objects.filter(reason=code).update(reason=sentence)
    CheckIn.objects.filter(reason="not_confirmed").update(
        reason="This registration is not confirmed."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="device",
            field=models.CharField(
                blank=True,
                help_text="The scanner that read the ticket.",
                max_length=64,
                verbose_name="device",
            ),
        ),
        migrations.AddField(
            model_name="checkin",
            name="first_scan",
            field=models.ForeignKey(
                blank=True,
                help_text="For a repeated scan: the scan that counts.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registrations.checkin",
            ),
        ),
        migrations.AddField(
            model_name="checkin",
            name="received_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="Later than the scan when an offline scanner synced it.",
            ),
        ),
        migrations.AlterField(
            model_name="checkin",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unreadable", "Not a ticket: the code cannot be read."),
                    ("other_event", "This ticket is for another event."),
                    (
                        "retired_key",
                        "Signed with a key that is no longer valid: issue a new ticket.",
                    ),
                    ("forged", "Forged or altered ticket: the signature does not match."),
                    ("unknown", "Unknown ticket."),
                    ("cancelled", "This ticket was cancelled."),
                    ("not_confirmed", "This registration is not confirmed."),
                    ("already", "Already checked in."),
                ],
                max_length=200,
            ),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
    ]
