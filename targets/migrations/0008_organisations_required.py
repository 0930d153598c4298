"""Every programme and unit now has its organisation; the header's names live on the organisation."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0007_organisations_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalprogram",
            name="slug",
            field=models.SlugField(
                help_text="For example 12-ctr-qu: the pages live under /p/<slug>/.",
                max_length=80,
                verbose_name="address in the URL",
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="programs",
                to="targets.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="slug",
            field=models.SlugField(
                help_text="For example 12-ctr-qu: the pages live under /p/<slug>/.",
                max_length=80,
                unique=True,
                verbose_name="address in the URL",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="targets.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.RemoveField(
            model_name="historicalprogram",
            name="issuing_body",
        ),
        migrations.RemoveField(
            model_name="historicalprogram",
            name="parent_body",
        ),
        migrations.RemoveField(
            model_name="historicalprogram",
            name="place_name",
        ),
        migrations.RemoveField(
            model_name="program",
            name="issuing_body",
        ),
        migrations.RemoveField(
            model_name="program",
            name="parent_body",
        ),
        migrations.RemoveField(
            model_name="program",
            name="place_name",
        ),
    ]
