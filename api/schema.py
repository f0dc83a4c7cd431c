from drf_spectacular import openapi

ERRORS = {
    "type": "object",
    "description": "What was wrong with each parameter.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"after": ["Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."]},
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors each operation answers and blank filters.

    A list answers 400 for a bad filter, cursor or page size; a record that is
    not there (or not published) is a 404. Documenting them lets clients, and
    schemathesis, tell an expected error from a broken API.
    """

    def _get_filter_parameters(self):
        # A blank filter selects everything, as when a field of the pages' forms is left empty.
        parameters = super()._get_filter_parameters()
        return [{**parameter, "allowEmptyValue": True} for parameter in parameters]

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if self._is_list_view(serializer):
            return {200: serializer, 400: ERRORS}
        return {200: serializer, 404: DETAIL}
