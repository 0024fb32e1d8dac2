"""Text helpers with no domain words: the translation marker, and checks on what people type.

Domain code cannot translate (it does not know the user's language); it marks its English msgids with
``N_`` so that Babel's extractor finds them, and the doors translate them when showing them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# C0 and C1 control characters and DEL. PostgreSQL refuses NUL in text outright (a 500 before issue #9);
# the others are invisible and never part of a name, a code or a search. Tab, line feed and carriage
# return are kept apart: they belong in multi-line text (a description, an address).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # lone halves of a UTF-16 pair cannot be stored as UTF-8


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message


@dataclass(frozen=True, slots=True)
class Localized:
    """A message parameter that can be worded only in the reader's language, which domain code does not
    know: it holds the function that words it per locale ("id", "en"). ``rantai.i18n.translate`` calls
    ``in_locale`` for a parameter of this type (a reservation verdict explained with Babel's money and
    lists, issue #11)."""

    words: Callable[[str], str]

    def in_locale(self, locale: str) -> str:
        return self.words(locale)

    def __str__(self) -> str:
        # Where something formats the parameter without a locale (a log line): the default, Indonesian.
        return self.words("id")


def ascii_digits(value: str) -> bool:
    """Whether ``value`` is one or more of the digits 0-9 and nothing else.

    ``str.isdigit`` also says yes to superscripts ("²") and other scripts' digits, which ``int()`` then
    refuses or reads as another number (issue #9): ids and codes must be checked with this instead.
    """
    return value.isascii() and value.isdigit()


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a character no one types on purpose: NUL and the other control characters
    (line breaks and tabs are allowed when ``multiline``), or a lone UTF-16 surrogate."""
    pattern = _CONTROL if multiline else _CONTROL_OR_BREAK
    return pattern.search(value) is not None or _SURROGATE.search(value) is not None


def without_control_characters(value: str) -> str:
    """``value`` with control characters (line breaks too) and lone surrogates turned into spaces, for
    searches: what is left is what the user meant to look for, and it can reach any database."""
    if not has_control_characters(value):
        return value
    return _SURROGATE.sub(" ", _CONTROL_OR_BREAK.sub(" ", value))
