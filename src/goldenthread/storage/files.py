"""A Django storage whose files are rows of the database (:class:`~.models.StoredFile`): what one
machine writes — a board pack built by a worker — every web server can hand over, with no shared
disk and no other service. Files have no public address: a view that checks who asks hands each
over. Settings name it as the ``packs`` storage (``GOLDENTHREAD_PACK_STORAGE`` names another, e.g.
an object store, for very large or very many files).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from goldenthread.storage.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    """Files kept whole in the database, each under its name."""

    def _open(self, name: str, mode: str = "rb") -> File:
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(f"no file {name} is held in the database")
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: Any) -> str:
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        data = data.encode() if isinstance(data, str) else bytes(data)
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(f"no file {name} is held in the database")
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.rstrip("/") + "/" if path else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        return [], [name[len(prefix) :] for name in names if "/" not in name[len(prefix) :]]

    def url(self, name: str | None) -> str:
        raise ValueError("files held in the database are handed over by a view that checks who asks, never by address")
