from django import forms

from core.texts import html_to_text

from .models import SourceText


class SourceTextForm(forms.ModelForm):
    """The source's text: pasted, or read from an uploaded .txt or .html file."""

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
        # The upload may stand in for the pasted text.
        self.fields["text"].required = False

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        name = upload.name.lower()
        if not name.endswith((".txt", ".html", ".htm")):
            raise forms.ValidationError("Upload a .txt or .html file.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not UTF-8 text. Save it as UTF-8, or paste its text above."
            ) from None
        return html_to_text(text) if name.endswith((".html", ".htm")) else text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload"):
            cleaned["text"] = cleaned["upload"]
            self.instance.text = cleaned["upload"]
        if not (cleaned.get("text") or "").strip() and not self.instance.pk:
            # An empty, new text is no text: the inline row is left unsaved.
            self.cleaned_data["DELETE"] = self.cleaned_data.get("DELETE", False)
        return cleaned
