from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="date erased"),
        ),
        migrations.AddField(
            model_name="participant",
            name="survey_consent_withdrawn_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="survey consent withdrawn"
            ),
        ),
    ]
