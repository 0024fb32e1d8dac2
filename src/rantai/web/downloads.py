"""Headers for files sent to the browser."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def content_disposition(disposition: str, filename: str, *, fallback: str = "file") -> str:
    """A ``Content-Disposition`` value for any file name (RFC 6266).

    HTTP headers are Latin-1; a scan named in Arabic script or with a typographic dash could not be
    sent at all (a 500: issue #9, finding 12). The plain ``filename`` gets an ASCII stand-in, and
    ``filename*`` carries the real name in UTF-8 for every current browser.
    """
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip() or fallback
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch not in '"\\/' else "_" for ch in ascii_name).strip() or fallback
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
