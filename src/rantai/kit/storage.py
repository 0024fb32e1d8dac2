"""File storage behind one small interface, so documents live outside the database and a deployment can
swap the local folder for object storage without touching the services."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    def put(self, data: bytes, *, suffix: str) -> str:
        """Store ``data``; returns the key to get it back."""
        ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under one folder, named by random keys (never by what the user called them)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return self.root / key

    def put(self, data: bytes, *, suffix: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        key = uuid.uuid4().hex + suffix
        temporary = self._path(key + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, self._path(key))
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
