from django import forms


class OrderForm(forms.Form):
    """A timeline's order, from ?order=: oldest first unless the reader asks otherwise."""

    order = forms.ChoiceField(
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        required=False,
        error_messages={"invalid_choice": "Choose oldest first or newest first."},
    )

    @property
    def newest_first(self):
        """True for newest first; False for oldest first, and for an order that is not one."""
        return self.is_valid() and self.cleaned_data["order"] == "newest"

    @property
    def error(self):
        """The message for an order that is not one, or None."""
        return None if self.is_valid() else self.errors["order"][0]
