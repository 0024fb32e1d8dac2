"""One paging convention for web and API: ``?page=1&per_page=25``, 1-based."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

T = TypeVar("T")


MAX_PAGE = 1_000_000  # beyond any real listing; keeps OFFSET inside what databases accept


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    per_page: int = 25

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", min(max(1, self.page), MAX_PAGE))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1
