"""Sources' uploaded text files (under MEDIA_ROOT/source-texts/) move into the
database, so that every app server reads the same text. A file that is missing
on this server is reported and skipped; the field that named it goes next."""

from django.core.files.storage import default_storage
from django.db import migrations

from core.texts import html_to_text


def files_into_the_database(apps, schema_editor):
    Source = apps.get_model("filings", "Source")
    SourceText = apps.get_model("workbench", "SourceText")
    for source in Source.objects.exclude(text_file=""):
        name = source.text_file.name
        try:
            with default_storage.open(name, "rb") as file:
                text = file.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            print(f"\n  {source.key}: its text file {name} is not on this server; attach it again.")
            continue
        if name.lower().endswith((".html", ".htm")):
            text = html_to_text(text)
        SourceText.objects.update_or_create(source=source, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0001_source_texts_in_the_database"),
        ("filings", "0008_timeline_indexes"),
    ]

    operations = [migrations.RunPython(files_into_the_database, migrations.RunPython.noop)]
