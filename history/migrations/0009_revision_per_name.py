from django.db import migrations, models


class Migration(migrations.Migration):
    """One token per name (core/caching.py): the existing token becomes ``all``."""

    dependencies = [
        ("history", "0008_source_text_moved_locator_from_1_sequence_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="name",
            field=models.CharField(
                default="all",
                help_text="What the token names, e.g. case:sec-v-binance.",
                max_length=120,
                unique=True,
            ),
            preserve_default=False,
        ),
    ]
