"""Response shapes shared by every endpoint (the one paging envelope)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel

from rantai.kit.pagination import Page

T = TypeVar("T")
S = TypeVar("S")


class PageOut(BaseModel, Generic[T]):
    """Every list endpoint answers with this envelope; ``page`` and ``per_page`` come from the query."""

    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, page: Page[S], convert: Callable[[S], T]) -> PageOut[T]:
        return cls(
            items=[convert(item) for item in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            pages=page.pages,
        )


def page_of(items: Sequence[S], total: int, page: int, per_page: int) -> Page[S]:
    return Page(items=items, total=total, page=page, per_page=per_page)
