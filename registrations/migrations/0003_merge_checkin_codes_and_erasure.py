"""Joins two changes made side by side: check-in reason codes, and erasure with consent
withdrawal."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0002_checkin_reason_codes_device_first_scan"),
        ("registrations", "0002_erasure_and_consent_withdrawal"),
    ]

    operations = []
