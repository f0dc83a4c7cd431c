from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from cases.models import Case, Claim
from core.partial_dates import PartialDateFormField
from core.texts import html_to_text
from filings.models import KEY_PHRASE_MAX_WORDS, Citation, Filing

from .models import SourceText

HTML_SUFFIXES = (".html", ".htm")


def text_of_file(name, data):
    """A file's text, read as UTF-8; an .html or .htm file's becomes plain paragraphs
    (core.texts.html_to_text). Raises UnicodeDecodeError for any other encoding."""
    text = data.decode("utf-8")
    return html_to_text(text) if name.lower().endswith(HTML_SUFFIXES) else text


class SourceTextForm(forms.ModelForm):
    """The source's text: pasted, or read from an uploaded .txt or .html file.

    The text may be left empty only when a file is uploaded, which replaces it.
    A row left as it was is not saved (the formset skips unchanged rows), so a
    source with no text keeps none.
    """

    upload = forms.FileField(
        required=False,
        label="Or upload a file",
        help_text="A .txt file (UTF-8) or an .html page; HTML becomes plain paragraphs. "
        "It replaces the text above.",
    )

    class Meta:
        model = SourceText
        fields = ("text", "upload")
        widgets = {"text": forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # an upload may stand in for it

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if not upload.name.lower().endswith((".txt", *HTML_SUFFIXES)):
            raise forms.ValidationError(
                f"“{upload.name}” is not a .txt or .html file. Upload one of those, "
                "or paste the text above."
            )
        try:
            text = text_of_file(upload.name, upload.read())
        except UnicodeDecodeError:
            raise forms.ValidationError(
                f"“{upload.name}” is not UTF-8 text. Save it as UTF-8, or paste its text above."
            ) from None
        if not text.strip():
            raise forms.ValidationError(f"“{upload.name}” has no text to read.")
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload"):
            cleaned["text"] = cleaned["upload"]
        elif not cleaned.get("text") and "upload" not in self.errors:
            self.add_error("text", "Paste the source's text here, or upload a file.")
        return cleaned


class Autocomplete(AutocompleteSelect):
    """The admin's autocomplete for a foreign key (its admin's search fields), with
    a placeholder: select2's box has no accessible name while it is empty."""

    def __init__(self, model, field_name, placeholder):
        super().__init__(model._meta.get_field(field_name), admin.site)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {
            **super().build_attrs(base_attrs, extra_attrs),
            "data-placeholder": self.placeholder,
        }

    def optgroups(self, name, value, attrs=None):
        # A form shown again with its errors looks the posted ids up: only those
        # that can be ids (ASCII digits, within 64 bits), not "²" or a huge number.
        ids = [v for v in value if str(v).isascii() and str(v).isdigit() and int(v) < 2**63]
        return super().optgroups(name, ids, attrs)


class CiteForm(forms.Form):
    """A citation of words in one paragraph of a source, and what it cites: an
    existing entry, claim or case fact, or a new draft entry (in a new case, if
    need be). ``clean`` builds the objects and runs their models' full checks;
    ``save`` stores them with the editor's name in their history."""

    class Target(models.TextChoices):
        NEW_ENTRY = "new", "A new draft entry"
        ENTRY = "entry", "An existing entry"
        CLAIM = "claim", "A claim"
        FACT = "fact", "A number about the case"

    # Besides adding the citation: what the editor needs to cite each target.
    # A new case needs cases.add_case too (build_entry).
    TARGET_PERMISSIONS = {
        Target.NEW_ENTRY: ("filings.add_filing",),
        Target.ENTRY: ("filings.change_filing",),
        Target.CLAIM: ("cases.change_claim",),
        Target.FACT: ("cases.change_case",),
    }

    paragraph = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    key_phrase = forms.CharField(
        max_length=200,
        help_text=f"Verbatim words from the paragraph, at most {KEY_PHRASE_MAX_WORDS}; "
        "never a whole sentence. Select them in the text to fill this in.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField", "autocomplete": "off"}),
    )
    reported_date = PartialDateFormField(
        written=True,
        required=False,
        label="Date this source gives",
        help_text="At the source's precision.",
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        help_text="How the source's version was read, e.g. the year it implies.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    target = forms.ChoiceField(
        choices=Target.choices,
        initial=Target.NEW_ENTRY,
        widget=forms.RadioSelect,
        label="It cites",
    )
    entry = forms.ModelChoiceField(
        Filing.objects.all(),
        required=False,
        widget=Autocomplete(Citation, "filing", "Search entries by title or case"),
    )
    claim = forms.ModelChoiceField(
        Claim.objects.all(),
        required=False,
        widget=Autocomplete(Citation, "claim", "Search claims by title or case"),
    )
    case = forms.ModelChoiceField(
        Case.objects.all(),
        required=False,
        widget=Autocomplete(Filing, "case", "Search cases by caption"),
        help_text="For a new entry or a number: the case it belongs to.",
    )
    new_case_caption = forms.CharField(
        max_length=300,
        required=False,
        label="Or a new case",
        help_text="A caption, for a new draft case; leave the case above empty.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    new_case_status = forms.ChoiceField(
        choices=Case.Status.choices,
        initial=Case.Status.ACTIVE,
        required=False,
        label="New case's status",
        help_text="Left blank, Active.",
    )
    kind = forms.ChoiceField(
        choices=[("", "---------"), *Filing.Kind.choices], required=False, label="Entry kind"
    )
    title = forms.CharField(
        max_length=200,
        required=False,
        label="Entry title",
        help_text="What happened, in our own words.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    date = PartialDateFormField(
        written=True,
        required=False,
        label="Entry's adopted date",
        help_text="Left blank, the date this source gives.",
    )
    fact = forms.ChoiceField(
        choices=[("", "---------"), *Case.Fact.choices], required=False, label="Number of"
    )
    reported_number = forms.IntegerField(min_value=0, required=False, label="Number reported")

    class Media:
        css = {"all": ["workbench/workbench.css"]}
        js = ["workbench/workbench.js"]

    def __init__(self, source, user, *args, **kwargs):
        # Its own ids: on the source's page, the source's form has a title and a kind too.
        kwargs.setdefault("auto_id", "cite_%s")
        super().__init__(*args, **kwargs)
        self.source = source
        self.user = user
        self.new_case = self.new_entry = self.citation = None
        # Only the targets the user may cite; posting another is an invalid choice.
        allowed = [
            (value, label)
            for value, label in self.Target.choices
            if user.has_perms(self.TARGET_PERMISSIONS[value])
        ]
        self.fields["target"].choices = allowed
        if allowed and not user.has_perms(self.TARGET_PERMISSIONS[self.Target.NEW_ENTRY]):
            self.fields["target"].initial = allowed[0][0]

    @classmethod
    def may_cite(cls, user):
        """Whether the user may add a citation to some target."""
        return user.has_perm("filings.add_citation") and any(
            user.has_perms(needed) for needed in cls.TARGET_PERMISSIONS.values()
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        paragraphs = self.source.paragraphs() or []
        if cleaned["paragraph"] > len(paragraphs):
            raise forms.ValidationError(
                f"The text of {self.source.key} has paragraphs 1 to {len(paragraphs)}, "
                f"not {cleaned['paragraph']}."
            )
        citation = Citation(
            source=self.source,
            locator=cleaned["paragraph"],
            key_phrase=cleaned["key_phrase"],
            reported_date=cleaned["reported_date"],
            note=cleaned["note"],
        )
        target = cleaned["target"]
        if target == self.Target.ENTRY:
            citation.filing = self.required("entry", "Choose the entry these words cite.")
        elif target == self.Target.CLAIM:
            citation.claim = self.required("claim", "Choose the claim these words cite.")
        elif target == self.Target.FACT:
            citation.case = self.required("case", "Choose the case the number is about.")
            citation.fact = self.required("fact", "Choose what the number counts.")
            citation.reported_number = self.required(
                "reported_number", "Enter the number this source reports."
            )
        else:
            citation.filing = self.build_entry()
        if self.errors:
            return cleaned
        new_filing = citation.filing is not None and citation.filing.pk is None
        # The constraints hold by construction, but for repeating a citation, said here.
        self.check(citation, exclude=["filing"] if new_filing else None, constraints=False)
        if not new_filing and self.repeats(citation):
            self.add_error(
                None,
                f"{self.cites(citation)} already cites these words of "
                f"paragraph {citation.locator}.",
            )
        self.citation = citation
        return cleaned

    def required(self, name, message):
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            self.add_error(name, message)
        return value

    def build_entry(self):
        """The new draft entry, unsaved and checked, in the chosen or a new case."""
        cleaned = self.cleaned_data
        case, caption = cleaned["case"], cleaned["new_case_caption"].strip()
        if case and caption:
            self.add_error(
                "new_case_caption", "Choose a case or give a new one's caption, not both."
            )
        elif caption and not self.user.has_perm("cases.add_case"):
            self.add_error(
                "new_case_caption", "Your account may not add cases: choose an existing case."
            )
        elif caption:
            status = cleaned["new_case_status"] or Case.Status.ACTIVE
            case = Case(caption=caption, status=status)
            case.slug = unique_slug(caption, Case.objects.all(), Case._meta.get_field("slug"))
            self.check(case, fields={"caption": "new_case_caption", "status": "new_case_status"})
            self.new_case = case
        elif not case:
            self.add_error("case", "Choose the entry's case, or give a new case's caption below.")
        self.required("kind", "Choose the entry's kind.")
        self.required("title", "Give the entry a title.")
        if self.errors:
            return None
        entry = Filing(
            case=case,
            kind=cleaned["kind"],
            title=cleaned["title"],
            date=cleaned["date"] or cleaned["reported_date"],
        )
        taken = Filing.objects.filter(case=case) if case.pk else Filing.objects.none()
        entry.slug = unique_slug(entry.title, taken, Filing._meta.get_field("slug"))
        self.check(entry, exclude=["case", "sequence"] if case.pk is None else ["sequence"])
        self.new_entry = entry
        return entry

    @staticmethod
    def cites(citation):
        if citation.filing_id:
            return f"The entry “{citation.filing.title}”"
        if citation.claim_id:
            return f"The claim “{citation.claim}”"
        return f"For “{citation.get_fact_display()}”, the case “{citation.case}”"

    @staticmethod
    def repeats(citation):
        same = Citation.objects.filter(
            source=citation.source, locator=citation.locator, key_phrase=citation.key_phrase
        )
        if citation.filing_id:
            return same.filter(filing=citation.filing_id).exists()
        if citation.claim_id:
            return same.filter(claim=citation.claim_id).exists()
        return same.filter(case=citation.case_id, fact=citation.fact).exists()

    def check(self, obj, exclude=None, fields=None, constraints=True):
        """Runs the model's full_clean, showing each error at the form's field for it."""
        fields = fields or {}
        try:
            obj.full_clean(exclude=exclude, validate_constraints=constraints)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                name = fields.get(name, name)
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)

    @transaction.atomic
    def save(self, user):
        """Stores the new case and entry, if any, and the citation; returns the citation."""
        if self.new_case:
            self.new_case._history_user = user
            self.new_case.save()
            self.new_entry.case = self.new_case
        if self.new_entry:
            self.new_entry._history_user = user
            self.new_entry.save()
            self.citation.filing = self.new_entry
        self.citation._history_user = user
        self.citation.save()
        return self.citation


def unique_slug(text, taken, field):
    """A slug from ``text``, with -2, -3 … added when ``taken`` already has it."""
    base = slugify(text)[: field.max_length - 4] or "untitled"
    used = set(taken.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in used:
        slug, number = f"{base}-{number}", number + 1
    return slug


class JumpForm(forms.Form):
    paragraph = forms.IntegerField(min_value=1, label="Jump to paragraph")
