from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """Pages that stay fast however deep, in each view's fixed ``ordering``.

    DRF places a cursor by the first ordering field alone, so that field must
    be unique on its own (a slug, a key or the id). A cursor or page size that
    is not one answers 400, like any other bad parameter. The cursor's
    position is checked as a value of that field, so that a forged one cannot
    reach the database (NUL bytes, out-of-range numbers).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        return view.ordering

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        field = forms.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.clean(value)
        except DjangoValidationError as error:
            raise ValidationError({self.page_size_query_param: error.messages}) from None

    def decode_cursor(self, request):
        invalid = ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        if cursor is None or cursor.position is None:
            return cursor
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            return cursor._replace(position=field.clean(cursor.position, None))
        except DjangoValidationError:
            raise invalid from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
