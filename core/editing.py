"""Editing in the admin: history with revert, no lost updates, and publishing."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldError,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import router, transaction
from django.db.models import UniqueConstraint, Value
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    INITIAL_FORM_COUNT,
    ORDERING_FIELD_NAME,
    TOTAL_FORM_COUNT,
)
from django.forms.models import InlineForeignKeyField
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from simple_history.admin import SimpleHistoryAdmin

BOOKKEEPING = {"version", "updated_at"}


class SeenVersionField(forms.IntegerField):
    """The version a form was opened at: bookkeeping, never a change of the editor's.

    Posted back, it differs from the bound form's (empty) initial value, so it
    would count as a change, and an inline formset saves every row that has
    one: each save of an entry gave every one of its citations a new version
    and history record, touched or not.
    """

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionCheckForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the version it was opened at. If the stored version has
    moved on, the save is refused, the editor's input stays in the form, and
    the error lists what changed in the meantime and who changed it. Saves that
    changed none of the form's fields (only the object's rows) do not count, nor
    does a row of the page (an inline) the editor left as it is: it is not saved.

    A row that repeats another of the same object is an error on it, with a
    message that says so (``duplicate_message``), rather than a database error.
    """

    seen_version = SeenVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored version, not the instance's: a revert form's instance is
        # an old version, but the editor is looking at the stored one. A bound
        # form carries the version it was opened at, so needs no lookup.
        if not self.is_bound:
            self.fields["seen_version"].initial = self.stored_version()

    def stored_version(self, lock=False):
        if self.instance.pk is None:
            return None
        stored = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock:
            # Held until the admin's transaction ends, so that two saves at the
            # same moment cannot both pass the check.
            stored = stored.select_for_update()
        return stored.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        stored = self.stored_version(lock=transaction.get_connection().in_atomic_block)
        if stored is None:  # a new object, or a deleted one being restored
            return cleaned
        if parent_key(self) and not self.has_changed():
            return cleaned  # a row the editor left alone is not saved
        seen = cleaned.get("seen_version")
        if seen is None:
            raise ValidationError("This form is out of date. Reload the page and try again.")
        if seen != stored and not self.only_its_rows_changed(seen):
            raise ValidationError(self.conflict(seen, stored), code="edit_conflict")
        return cleaned

    def only_its_rows_changed(self, seen):
        """Whether the saves since version ``seen`` left every field of this form as it was.

        The admin saves an object whenever its page is saved, so another editor
        who only added, changed or deleted one of its rows (a filing's citation,
        a case's party) moves its version on too. That is no conflict: each
        changed row is checked on its own, and a deleted one is left out of the
        save (DropVanishedRows). Only when history records every field of the
        form can it tell; otherwise (a case's agencies) the save is refused.
        """
        history = type(self.instance).history
        tracked = {f.name for f in history.model.tracked_fields}
        tracked |= {f.name for f in getattr(history.model, "_history_m2m_fields", [])}
        own = set(self.fields) - {"seen_version", DELETION_FIELD_NAME, ORDERING_FIELD_NAME}
        if not own <= tracked:
            return False
        records = history.filter(id=self.instance.pk)
        before, after = records.filter(version=seen).first(), records.first()
        if before is None or after is None:
            return False
        return not after.diff_against(before, excluded_fields=BOOKKEEPING).changes

    def validate_unique(self):
        """Also says clearly what a conditional unique constraint refuses.

        Django reports it only as "Constraint “…” is violated." A row of a page
        (an inline's) is checked by its formset instead (UniqueRows), which
        knows the rows deleted in the same save.
        """
        super().validate_unique()
        if parent_key(self):
            return
        exclude = self._get_validation_exclusions()
        for model_class, constraint in unique_constraints(self.instance):
            if constraint.condition and repeats(model_class, constraint, self.instance, exclude):
                report_duplicate(self, constraint)

    def duplicate_message(self, constraint):
        """What to tell the editor when this form repeats another object by
        ``constraint``. A model's form may say it in the editor's words."""
        return duplicate_message(self, constraint)

    def conflict(self, seen, stored):
        history = type(self.instance).history.filter(id=self.instance.pk)
        newer = list(history.filter(version__gt=seen).select_related("history_user"))
        editors = sorted({str(record.history_user or "a script") for record in newer})
        editors = editors or ["someone"]
        message = (
            f"Not saved: {', '.join(editors)} saved this {self.instance._meta.verbose_name} "
            f"after you opened it (version {seen}, now {stored}). Your input is still below. "
            "Reload the page to see their version, then make your change again."
        )
        before, after = history.filter(version=seen).first(), history.first()
        if before and after:
            changes = [
                f"{capfirst(self.instance._meta.get_field(change.field).verbose_name)}: "
                f"“{change.old}” → “{change.new}”"
                for change in after.diff_against(before, excluded_fields=BOOKKEEPING).changes
            ]
            if changes:
                message += " What changed: " + "; ".join(changes) + "."
        return message


def unique_constraints(instance):
    """The unique constraints on fields of an object's model and its parents."""
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                yield model_class, constraint


def parent_key(form):
    """The foreign key to the page's object when a form is one of its rows (an
    inline's), else None."""
    for name, form_field in form.fields.items():
        if isinstance(form_field, InlineForeignKeyField):
            return name
    return None


def repeats(model_class, constraint, instance, exclude, besides=()):
    """Whether a stored object other than ``instance`` has the same values for
    ``constraint``, where it applies, leaving out the objects whose keys are in
    ``besides``: rows deleted in the same save, which goes before new rows are
    added. As Django, it skips a constraint on a field in ``exclude``."""
    using = router.db_for_write(model_class, instance=instance)
    try:
        constraint.validate(model_class, instance, exclude=exclude, using=using)
    except ValidationError:
        pass
    else:
        return False
    if not besides:
        return True
    same = {
        name: getattr(instance, model_class._meta.get_field(name).attname)
        for name in constraint.fields
    }
    others = model_class._default_manager.using(using).filter(**same).exclude(pk__in=besides)
    if constraint.condition:
        others = others.filter(constraint.condition)
    if not instance._state.adding:
        others = others.exclude(pk=instance.pk)
    return others.exists()


def report_duplicate(form, constraint):
    """Shows the form's message for an object repeating another by ``constraint``,
    in place of Django's own ("Constraint “…” is violated."), if it has one."""
    django_says = ValidationError(
        constraint.get_violation_error_message(), code=constraint.violation_error_code
    )
    errors = form._errors.get(NON_FIELD_ERRORS)
    if errors:
        errors.data = [error for error in errors.data if error != django_says]
    if isinstance(form, VersionCheckForm):
        message = form.duplicate_message(constraint)
    else:
        message = duplicate_message(form, constraint)
    if message not in form.non_field_errors():
        form.add_error(None, message)


def duplicate_message(form, constraint):
    """A plain message for an object that repeats another by ``constraint``:
    "Another alias of this party has the same name." on a row of the party's page."""
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return constraint.get_violation_error_message()
    model = type(form.instance)
    parent = parent_key(form)
    if parent is None:
        error = form.instance.unique_error_message(model, constraint.fields)
        return error.message % error.params
    labels = [
        str(model._meta.get_field(name).verbose_name)
        for name in constraint.fields
        if name != parent
    ]
    parent_name = form.fields[parent].parent_instance._meta.verbose_name
    return (
        f"Another {model._meta.verbose_name} of this {parent_name} has the same "
        f"{get_text_list(labels, 'and')}."
    )


class UniqueRows:
    """An inline formset whose rows may not repeat each other, or the stored
    rows, by a unique constraint that names the page's object (an entry's
    citations: source, paragraph and key phrase, per entry) or has a condition.

    Django's formsets leave such constraints to the database, whose refusal
    was a server error: a row's form excludes its foreign key to the page's
    object from model validation, and rows are compared with each other by
    unconditional constraints only. Of rows that repeat each other, the one
    already stored and left as it was (else the first) is kept, and the others
    get the error. A row repeating one deleted in the same save is no repeat.
    """

    def validate_unique(self):
        deleted = []
        for form in self.initial_forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.pk:
                deleted.append(form.instance.pk)
        for form in self.rows(changed_only=True):
            self.check_against_stored(form, deleted)
        try:
            super().validate_unique()  # unique fields and unconditional constraints, row to row
        finally:
            self.check_against_each_other()

    def rows(self, changed_only=False):
        """The valid rows that are saved or kept: neither deleted nor left empty."""
        for form in self.forms:
            if not form.is_valid() or (self.can_delete and self._should_delete_form(form)):
                continue
            if form.has_changed() or not (changed_only or form.instance._state.adding):
                yield form

    def check_against_stored(self, form, deleted):
        exclude = form._get_validation_exclusions()
        for model_class, constraint in unique_constraints(form.instance):
            names_parent = self.fk.name in constraint.fields or (
                constraint.condition and self.fk.name in constraint.condition.referenced_base_fields
            )
            if not (names_parent or constraint.condition):
                continue  # Django has checked it (Model.validate_constraints)
            if repeats(model_class, constraint, form.instance, exclude, besides=deleted):
                report_duplicate(form, constraint)

    def check_against_each_other(self):
        forms = list(self.rows())
        if len(forms) < 2:
            return
        for model_class, constraint in unique_constraints(self.model()):
            if not constraint.condition:
                continue  # Django's own check (BaseModelFormSet.validate_unique)
            rows = defaultdict(list)
            for form in forms:
                if key := self.row_key(form, model_class, constraint):
                    rows[key].append(form)
            for same in rows.values():
                same = [
                    form for form in same if self.meets_condition(form, model_class, constraint)
                ]
                if len(same) < 2:
                    continue
                kept = next((form for form in same if not form.has_changed()), same[0])
                for form in same:
                    if form is not kept:
                        report_duplicate(form, constraint)

    def row_key(self, form, model_class, constraint):
        """The row's values for ``constraint``, but for the page's object, the
        same for every row; None when a value is missing or not in the form."""
        exclude = form._get_validation_exclusions()
        key = []
        for name in constraint.fields:
            if name == self.fk.name:
                continue
            if name in exclude:
                return None
            value = getattr(form.instance, model_class._meta.get_field(name).attname)
            if value is None and constraint.nulls_distinct is not False:
                return None  # NULL repeats nothing
            key.append(make_hashable(value))
        return tuple(key)

    def meets_condition(self, form, model_class, constraint):
        """Whether the constraint applies to the row once saved with the page's object."""
        instance = form.instance
        against = instance._get_field_expression_map(
            meta=model_class._meta, exclude=form._get_validation_exclusions()
        )
        if getattr(instance, self.fk.attname) is None:
            # A new object's rows: saved with it, their key will be set. Any
            # value stands in for it; conditions ask only whether there is one.
            against[self.fk.name] = Value(0, self.fk)
        try:
            return constraint.condition.check(against, using=router.db_for_write(self.model))
        except FieldError:
            return False  # it names a field the form leaves out; Django skips it then too


def _row_keys(prefix):
    """Matches a formset row's field names, "citations-3-note", giving 3 and "note"."""
    return re.compile(rf"{re.escape(prefix)}-(0|[1-9][0-9]*)-(.+)", re.DOTALL)


def _without_rows(data, prefix, dropped, total):
    """Posted formset data with the rows numbered in ``dropped`` taken out, and
    the rows after them numbered down, as if they had never been in the form."""
    if data is None:
        return None
    keys = _row_keys(prefix)
    number = {}
    for index in range(total):
        if index not in dropped:
            number[index] = len(number)
    if isinstance(data, QueryDict):
        result = QueryDict(mutable=True, encoding=data.encoding)
    elif isinstance(data, MultiValueDict):
        result = MultiValueDict()
    else:
        result = {}
    items = data.lists() if isinstance(data, MultiValueDict) else data.items()
    for key, value in items:
        if match := keys.fullmatch(key):
            index = int(match[1])
            if index in dropped:
                continue
            if index in number:
                key = f"{prefix}-{number[index]}-{match[2]}"
        if isinstance(result, MultiValueDict):
            result.setlist(key, value)
        else:
            result[key] = value
    return result


@dataclass
class VanishedRow:
    """A row that was in the form when the editor opened it, and is no longer
    the parent's: another editor deleted it, or moved it to another parent."""

    verbose_name: str
    description: str
    parent_name: str  # "filing", "case"
    by: object  # the user who deleted or moved it, None for a script
    moved_to: str = ""  # the parent it now belongs to, if moved
    marked_for_deletion: bool = False  # the editor had ticked "Delete" too
    typed: list = field(default_factory=list)  # (label, value) the editor had changed

    def explain(self, user, saved):
        """The message for the editor, once saved (``saved``) or on the form again."""
        who = "you, in another window" if self.by == user else (self.by or "a script")
        what = f"The {self.verbose_name} ({self.description})"
        if self.moved_to:
            happened = f"was moved to “{self.moved_to}” by {who} after you opened this page"
        else:
            happened = f"was deleted by {who} after you opened this page"
        if self.marked_for_deletion:
            return f"{what}, which you marked for deletion, {happened}."
        if saved:
            message = f"{what} {happened}, so this {self.parent_name} was saved without it."
        else:
            message = f"{what} {happened}, so it is no longer in the form below."
        if self.typed:
            values = "; ".join(f"{label}: “{value}”" for label, value in self.typed)
            cannot = "could not" if saved else "cannot"
            message += f" Your changes to it {cannot} be saved; you had entered {values}."
        return message


class DropVanishedRows:
    """An inline formset that leaves out the rows that have gone since the form
    was opened, and says so, instead of failing on them.

    A row another editor deleted would fail on its hidden id ("Select a valid
    choice"), an error the admin does not show, so the form could never be
    saved. A row moved to another parent would be dropped without a word. Such
    rows are taken out of the posted data before the formset reads it, so that
    the rest is validated and saved as usual, and the form, if shown again for
    another reason, no longer has them. ``vanished`` describes them, with what
    the editor had entered in them, for the messages (HistoryAdmin).
    """

    drop_vanished_rows = True  # False for a view-only inline, whose rows are not posted

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vanished = []
        if self.is_bound and self.drop_vanished_rows and not self.save_as_new:
            self._drop_vanished()

    def _drop_vanished(self):
        try:
            initial = int(self.data[f"{self.prefix}-{INITIAL_FORM_COUNT}"])
            total = int(self.data[f"{self.prefix}-{TOTAL_FORM_COUNT}"])
        except (KeyError, TypeError, ValueError):
            return  # the formset reports a broken management form itself
        if not 0 <= initial <= total or self.instance.pk is None:
            return
        pk_field = self.model._meta.pk
        posted = {}
        for index in range(min(initial, self.absolute_max)):
            try:
                pk = pk_field.to_python(self.data.get(f"{self.prefix}-{index}-{pk_field.name}"))
            except ValidationError:
                continue  # left to the formset's own validation
            if pk is not None:
                posted[index] = pk
        if not posted:
            return
        present = set(
            self.get_queryset().filter(pk__in=posted.values()).values_list("pk", flat=True)
        )
        gone = {index: pk for index, pk in posted.items() if pk not in present}
        if not gone:
            return
        self.vanished = [self._describe(index, pk) for index, pk in gone.items()]
        data = _without_rows(self.data, self.prefix, gone, total)
        data[f"{self.prefix}-{INITIAL_FORM_COUNT}"] = str(initial - len(gone))
        data[f"{self.prefix}-{TOTAL_FORM_COUNT}"] = str(total - len(gone))
        self.data = data
        self.files = _without_rows(self.files, self.prefix, gone, total)

    def _describe(self, index, pk):
        """What the row was when the editor opened the form, who took it away,
        and what the editor had entered in it since."""
        prefix = self.add_prefix(index)
        history = getattr(self.model, "history", None)
        records = history.filter(**{self.model._meta.pk.attname: pk}) if history else None
        # As the editor saw it: the version their form was opened at.
        seen_version = self.data.get(f"{prefix}-seen_version", "")
        seen = records.exclude(history_type="-") if records is not None else None
        if seen is not None and str(seen_version).isdigit():
            seen = seen.filter(version=int(seen_version))
        seen = (seen.first() or records.first()) if records is not None else None
        latest = records.first() if records is not None else None
        still_there = self.model._default_manager.filter(pk=pk).first()
        moved_to = ""
        fk = getattr(self, "fk", None)
        if still_there is not None:
            moved_to = describe(getattr(still_there, fk.name) if fk else None, "elsewhere")
        form = self.form(
            data=self.data,
            files=self.files,
            prefix=prefix,
            instance=seen.instance if seen else self.model(),
            **self.get_form_kwargs(None),
        )
        delete = forms.CheckboxInput().value_from_datadict(
            self.data, self.files, f"{prefix}-DELETE"
        )
        typed = []
        if not delete:
            for name in form.changed_data:
                if name != "seen_version":
                    typed.append(
                        (form[name].label, shown_value(form.fields[name], form[name].data))
                    )
        try:
            by = latest.history_user if latest else None
        except ObjectDoesNotExist:  # the account is gone
            by = None
        return VanishedRow(
            verbose_name=self.model._meta.verbose_name,
            description=describe(seen.instance if seen else None, f"#{pk}"),
            parent_name=self.instance._meta.verbose_name,
            by=by,
            moved_to=moved_to,
            marked_for_deletion=bool(delete),
            typed=typed,
        )


def describe(obj, default):
    """An object's name, or ``default`` if it has none or names a deleted object."""
    if obj is None:
        return default
    try:
        return str(obj)
    except ObjectDoesNotExist:
        return default


def shown_value(form_field, data):
    """What an editor entered in a field, as they would recognise it."""
    if data in (None, "", []):
        return "(empty)"
    if isinstance(form_field, forms.ModelChoiceField):
        try:
            return describe(form_field.clean(data), str(data))
        except ValidationError:
            return str(data)
    if isinstance(form_field, forms.ChoiceField):
        labels = {str(value): label for value, label in form_field.choices}
        return str(labels.get(str(data), data))
    if isinstance(data, (list, tuple)):
        return " ".join(str(part) for part in data)
    return str(data)


def preview_link(case, anchor=""):
    """The staff preview of a case page, drafts included."""
    url = reverse("case-preview", args=[case.slug])
    return format_html('<a href="{}{}">Preview the case page with drafts</a>', url, anchor)


class HistoryAdmin(SimpleHistoryAdmin):
    """Every editable model's admin: history with field differences and revert,
    and the version check against lost updates."""

    form = VersionCheckForm

    def get_formsets_with_inlines(self, request, obj=None):
        # Every inline leaves out the rows gone since its form was opened, and
        # refuses rows that repeat each other.
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            attrs = {"drop_vanished_rows": inline.has_change_permission(request, obj)}
            yield type(formset.__name__, (DropVanishedRows, UniqueRows, formset), attrs), inline

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.tell_about_vanished_rows(request, formsets, saved=True)

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST":  # the form again, with an error
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            self.tell_about_vanished_rows(request, formsets, saved=False)
        return super().render_change_form(request, context, *args, **kwargs)

    def tell_about_vanished_rows(self, request, formsets, saved):
        for formset in formsets:
            for row in getattr(formset, "vanished", []):
                level = messages.INFO if row.marked_for_deletion else messages.WARNING
                self.message_user(request, row.explain(request.user, saved), level)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history lets anyone who may view history post a revert;
        # reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def save_published(objects, published, user):
    """Publish (or unpublish) ``objects``, a queryset of a Publishable model.

    Each object not already so is saved, rather than the queryset updated, so
    that history records the change, by ``user``, with the reason "Published" or
    "Unpublished". All or nothing. Returns how many changed.
    """
    changed = 0
    with transaction.atomic():
        # A fresh queryset: the given one may be annotated, and PostgreSQL
        # refuses FOR UPDATE with GROUP BY.
        pks = list(objects.values_list("pk", flat=True))
        selected = objects.model._default_manager.filter(pk__in=pks).select_for_update()
        for obj in selected.exclude(is_published=published):
            obj.is_published = published
            obj._history_user = user
            obj._change_reason = "Published" if published else "Unpublished"
            obj.save()
            changed += 1
    return changed


class PublishingAdmin(HistoryAdmin):
    """Publish and unpublish actions. They save each object rather than update()
    the queryset, so that history records every change."""

    actions = ["publish", "unpublish"]

    @admin.action(
        description="Publish the selected %(verbose_name_plural)s", permissions=["change"]
    )
    def publish(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(
        description="Unpublish the selected %(verbose_name_plural)s (back to draft)",
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, published):
        changed = save_published(queryset, published, request.user)
        state = "published" if published else "back to draft"
        opts = self.model._meta
        names = opts.verbose_name if changed == 1 else opts.verbose_name_plural
        self.message_user(request, f"{changed} {names} {state}.", messages.SUCCESS)
        if published and hasattr(self.model, "case"):
            hidden = queryset.filter(case__is_published=False).count()
            if hidden:
                self.message_user(
                    request,
                    f"{hidden} of them belong to a draft case, so readers will see them "
                    "only once the case is published.",
                    messages.WARNING,
                )
