from django.contrib.postgres.indexes import GinIndex


class PostgreSQLGinIndex(GinIndex):
    """A GIN index on PostgreSQL; elsewhere (SQLite) creating or dropping it does nothing.

    Site search on PostgreSQL (public/search.py) queries with the very
    expression of the model's search index, read back from Meta.indexes, so
    that the query matches the index; title words weigh more than the rest.

    Declared in Meta.indexes so that the model state has it, which keeps
    makemigrations quiet and lets SQLite rebuild a table (as most AlterField
    operations do there) without trying to create a GIN index.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)
