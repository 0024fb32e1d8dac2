"""The ``{name:id}`` path parameter: a row id that fits the database's key columns.

Starlette's ``int`` convertor takes any run of digits, so a 20-digit id typed into a URL reached the
database driver and overflowed it (a 500 on PostgreSQL above 2^31, on SQLite above 2^63: issue #9,
finding 9). This one matches only 1 to 2,147,483,647 (an INTEGER key on PostgreSQL), so anything else is
simply not found. Route modules import it before declaring their routes.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_ROW_ID = 2**31 - 1


def _below(limit: str) -> str:
    """A regex for the decimal numbers of exactly ``len(limit)`` digits that are <= ``limit``."""
    options = [limit]
    for i, digit in enumerate(limit):
        if digit != "0":
            low = "1" if i == 0 else "0"
            if int(digit) - 1 >= int(low):
                options.append(f"{limit[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(limit) - i - 1}}}")
    return "|".join(options)


class RowIdConvertor(Convertor[int]):
    # No leading zeros, 1 to 9 digits, or 10 digits not above MAX_ROW_ID.
    regex = f"(?:[1-9][0-9]{{0,8}}|{_below(str(MAX_ROW_ID))})"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", RowIdConvertor())
