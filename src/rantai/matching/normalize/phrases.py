"""Finding known phrases (sequences of tokens) inside a token list, longest first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

Phrase = tuple[str, ...]


class PhraseFinder:
    """Finds occurrences of a fixed set of phrases in token lists, preferring the longest at each start."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        by_first: dict[str, list[Phrase]] = {}
        for phrase in set(phrases):
            if phrase:
                by_first.setdefault(phrase[0], []).append(phrase)
        self._by_first = {first: sorted(group, key=len, reverse=True) for first, group in by_first.items()}

    def find(self, tokens: Sequence[str]) -> Iterator[tuple[int, Phrase]]:
        """Yield (start, phrase) for non-overlapping matches, scanning left to right."""
        position = 0
        while position < len(tokens):
            for phrase in self._by_first.get(tokens[position], ()):
                if tuple(tokens[position : position + len(phrase)]) == phrase:
                    yield position, phrase
                    position += len(phrase)
                    break
            else:
                position += 1
