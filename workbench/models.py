"""What editors keep about a source and readers never see: its text, and the dates
in it that are not facts for the record.

These models live outside the cases and filings apps on purpose: the public
export (``dumpdata cases filings``) cannot include them, while backups, which
take every app, do. Public views, feeds and the API do not import this app.
"""

from django.core.validators import MinValueValidator
from django.db import models

from core.models import Versioned, related_for_key, track_history
from core.texts import paragraphs
from filings.models import Source


class SourceTextManager(models.Manager):
    def get_by_natural_key(self, source_key):
        return self.get(source__key=source_key)


class SourceText(Versioned):
    """A source's full text, private to editors, in the database so that every
    app server checks key phrases against the same words. It has no page of its
    own (no get_absolute_url): it is read on its source's admin page."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="private_text")
    text = models.TextField(
        help_text="The source's plain text. Paragraph n is its nth non-blank line; "
        "citations' paragraph numbers count the same way."
    )

    objects = SourceTextManager()
    history = track_history()

    class Meta:
        verbose_name = "source text"

    def __str__(self):
        return f"Text of {self.source.key}"

    def natural_key(self):
        return (related_for_key(self, "text", "source").key,)

    natural_key.dependencies = ["filings.source"]

    def paragraphs(self):
        return paragraphs(self.text)


class DismissedMentionManager(models.Manager):
    def get_by_natural_key(self, source_key, paragraph, text):
        return self.get(source__key=source_key, paragraph=paragraph, text=text)


class DismissedMention(Versioned):
    """A date mention an editor marked "not a fact for the record", with why."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="dismissed_mentions")
    paragraph = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="The paragraph the mention is in."
    )
    text = models.CharField(max_length=100, help_text='The mention as written, e.g. "last week".')
    reason = models.CharField(
        max_length=300, help_text="Why it is not a fact for the record, in our own words."
    )

    objects = DismissedMentionManager()
    history = track_history()

    class Meta:
        ordering = ["source", "paragraph", "text"]
        verbose_name = "date marked not a fact for the record"
        verbose_name_plural = "dates marked not facts for the record"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "paragraph", "text"], name="unique_dismissed_mention"
            ),
            models.CheckConstraint(
                condition=models.Q(paragraph__gte=1), name="dismissed_mention_paragraph_from_1"
            ),
        ]

    def __str__(self):
        return f"{self.source.key}, para. {self.paragraph}: “{self.text}”"

    def natural_key(self):
        return (related_for_key(self, self.text, "source").key, self.paragraph, self.text)

    natural_key.dependencies = ["filings.source"]
