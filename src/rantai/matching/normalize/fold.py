"""Case and punctuation folding: the first step of every text the matcher reads."""

from __future__ import annotations

import unicodedata

# Curly quotes, primes and the many dashes of pasted titles become the ASCII forms the tokenizer knows,
# so that a TV of 43 inches, "Men's" and "obat-obatan" read the same whichever quote or dash was typed.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2033": '"',
        "\u2032": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00d7": "x",
    }
)


def fold_text(text: str) -> str:
    """Return `text` in lower case, compatibility-normalized, without accents, with ASCII punctuation."""
    if text.isascii():
        # ASCII is its own NFKC and NFKD form and has no accents: the common case, made cheap.
        # The backtick is the one ASCII character `_PUNCTUATION` maps.
        return text.replace("`", "'").lower()
    # NFKC first turns full-width digits and ligatures into plain ones; NFKD then splits accents off so
    # that `café` and `cafe` are one word.
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
