"""Words for stored codes (issue #13: pages showed `PT_PERORANGAN`, `mikro`): one table per kind of code,
English msgids translated when shown (the `label` filter of `web.templating`). A code without a label
shows as itself, so a new value is never hidden."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from rantai.identity.roles import ORG_TYPE_LABELS, ROLE_LABELS
from rantai.kit.text import N_
from rantai.sourcing.service import PROCUREMENT_TYPES
from rantai.sourcing.state import STATUS_LABELS as NEED_STATUS_LABELS
from rantai.suppliers.state import STATUS_LABELS as PROFILE_STATUS_LABELS

# The legal forms keep their Indonesian names (they are the real names); only "perorangan" needs words.
LEGAL_FORM_LABELS: Mapping[str, str] = {
    "perorangan": N_("Sole proprietor (perorangan)"),
    "ud": "UD",
    "cv": "CV",
    "firma": "Firma",
    "pt": "PT",
    "pt_perorangan": N_("PT perorangan (sole-owner PT)"),
    "koperasi": N_("Cooperative (koperasi)"),
}
SIZE_CLASS_LABELS: Mapping[str, str] = {
    "mikro": N_("Micro"),
    "kecil": N_("Small"),
    "menengah": N_("Medium"),
    "besar": N_("Large"),
    "koperasi": N_("Cooperative"),
}

LABELS: Mapping[str, Mapping[str, str]] = {
    "legal_form": LEGAL_FORM_LABELS,
    "size_class": SIZE_CLASS_LABELS,
    "org_type": {str(k): v for k, v in ORG_TYPE_LABELS.items()},
    "role": {str(k): v for k, v in ROLE_LABELS.items()},
    "profile_status": {str(k): v for k, v in PROFILE_STATUS_LABELS.items()},
    "need_status": {str(k): v for k, v in NEED_STATUS_LABELS.items()},
    "procurement_type": PROCUREMENT_TYPES,
}


def label_msgid(value: object, kind: str) -> str:
    """The English msgid for a stored code of a kind (`LABELS`), or the code itself when it has none."""
    code = value.value if isinstance(value, Enum) else value
    text = "" if code is None else str(code)
    return LABELS.get(kind, {}).get(text.lower(), text)
