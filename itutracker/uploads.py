"""An upload handler that keeps no more of an uploaded file than ingestion accepts."""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class CappedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes and, past INGEST_MAX_BYTES, stops passing them
    on to the handlers that keep them (in memory or in a temporary file). The upload is
    still read to its end, so that the client gets an answer, but a file of any size
    costs no disk: it arrives empty, with its real size, and the form or serializer
    refuses it by that size (size_refusal) as it would any file too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.INGEST_MAX_BYTES:
            return None  # not passed on: nothing past the limit is kept
        return raw_data

    def file_complete(self, file_size):
        if self.received <= settings.INGEST_MAX_BYTES:
            return None  # the handler that kept it returns the file
        return UploadedFile(
            io.BytesIO(),
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
        )
