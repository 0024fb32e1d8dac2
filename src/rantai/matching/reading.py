"""The need read the way a buyer means it (issue #14, item 4): the thing asked for, and how it travels.

- **The head of the phrase.** An Indonesian noun phrase puts the thing first and its modifiers after
  it: in "tas belanja kain" the thing is a bag ("tas"); "belanja" says what for and "kain" what it is
  made of. `head_of` gives the first content word of the need's normalized tokens, passing over the
  words that only say a purchase is made ("pengadaan", "belanja", "jasa": "jasa katering" is catering)
  and numbers. The matcher weighs the head `MatcherConfig.head_weight` times the other words, so that
  a seller of cloth ("kain") does not outrank a maker of bags for a bag.
- **Perishable goods and daily services.** Meals, fresh food and work done on site every day must be
  near the buyer; a durable good travels. `perishable` says whether a need's words name such a thing,
  and the shortlist then weighs distance more (`ShortlistConfig.perishable_distance_boost`) on a
  shorter scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

# Words (normalized) that say a purchase is made, not what is bought: the head is the word after them.
GENERIC_HEADS: Final = frozenset(
    {
        "pengadaan",
        "belanja",
        "pembelian",
        "penyediaan",
        "pekerjaan",
        "kegiatan",
        "paket",
        "jasa",
        "layan",  # "layanan", as normalized
        "layanan",
        "barang",
        "kebutuhan",
        "keperluan",
        "beli",
        "butuh",
    }
)

# Words (normalized) of goods that spoil within days and of services given on site every day.
PERISHABLE_WORDS: Final = frozenset(
    {
        "katering",
        "catering",
        "makan",
        "makanan",
        "minum",
        "minuman",
        "konsumsi",
        "jamuan",
        "prasmanan",
        "nasi",
        "snack",
        "kue",
        "roti",
        "sayur",
        "sayuran",
        "buah",
        "ikan",
        "daging",
        "ayam",
        "telur",
        "susu",
        "tahu",
        "tempe",
        "segar",
        "harian",
        "bunga",
        "es",
        "laundry",
        "kebersihan",
        "cleaning",
        "satpam",
        "keamanan",
    }
)


def head_of(tokens: Sequence[str]) -> str | None:
    """The head of a need's normalized tokens: the first word that is neither a purchase word nor a
    number; None when there is none (a need of one purchase word is searched as it is)."""
    for token in tokens:
        if token in GENERIC_HEADS or not any(character.isalpha() for character in token):
            continue
        return token
    return None


def perishable(tokens: Sequence[str]) -> bool:
    """Whether the need names perishable goods or a daily service (see the module docstring)."""
    return any(token in PERISHABLE_WORDS for token in tokens)
