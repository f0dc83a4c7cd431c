"""A cap on the size of uploaded files (settings.MAX_UPLOAD_MB).

Django limits the size of a request's form fields (DATA_UPLOAD_MAX_MEMORY_SIZE)
but not of its files. SizeLimitUploadHandler, first in FILE_UPLOAD_HANDLERS,
passes a file's data on to the handlers that store it (in memory, or in a
temporary file) only up to the cap. A file over it becomes an OversizedUpload:
a stand-in that any form's FileField rejects with a plain message on that
field, so the editor sees the error beside the field and the rest of their
input stays in the form.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MB = 1024 * 1024


class OversizedUpload(UploadedFile):
    """An uploaded file that was over the limit: its name, and none of its data.

    A form's FileField reads the size of what it is given inside its own
    validation, so the error raised here is the field's error. (It is the
    only code that reads uploads in this project: the admin's forms.)
    """

    def __init__(self, name, content_type, charset, content_type_extra, limit_mb):
        self.limit_mb = limit_mb
        super().__init__(io.BytesIO(), name, content_type, None, charset, content_type_extra)

    @property
    def size(self):
        raise ValidationError(
            f"The file is larger than the {self.limit_mb} MB limit.", code="file_too_large"
        )

    @size.setter
    def size(self, value):
        pass  # UploadedFile.__init__ sets it; this file has no size to give.


class SizeLimitUploadHandler(FileUploadHandler):
    """Passes on each file's data up to settings.MAX_UPLOAD_MB; past that, none of it."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit_mb = settings.MAX_UPLOAD_MB
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit_mb * MB:
            return None  # the handlers after this one get no more of it
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit_mb * MB:
            return OversizedUpload(
                self.file_name,
                self.content_type,
                self.charset,
                self.content_type_extra,
                self.limit_mb,
            )
        return None  # within the limit: the next handler has the whole file
