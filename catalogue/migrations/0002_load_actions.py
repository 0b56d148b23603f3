from django.db import migrations

from catalogue.loading import load_actions


def forwards(apps, schema_editor):
    load_actions(apps.get_model("catalogue", "Action"), apps.get_model("catalogue", "ActionField"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
