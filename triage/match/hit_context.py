"""Where a keyword hit was found, so the policy can tell a letter from a DLL.

The finding's detail "context" is one of ``triage.profile.model.HitContext``, the first that applies:

* "system-file": the file is an operating-system or program file (Windows, Program Files, /usr,
  macOS /System and /Applications, ...): a CPU called "model" in a driver is not the user's word.
  Narrower than the scan order's last tiers (triage/scan/priority.py) on purpose: the recycle
  bin, shadow copies (System Volume Information), ProgramData, /etc, /var and Windows\\Temp hold
  what users did, so hits there count;
* "path": the hit is in the file's path or name;
* "binary": the hit sits in random-looking or compressed bytes (window entropy,
  triage/match/binary_text.py) or in a file type that cannot hold readable text;
* "registry": the file is a registry hive (libmagic: "MS Windows registry file"), e.g. NTUSER.DAT;
  a user's hive is also walked key by key (registry_keywords.py), so the report names the key
  and value each term is in;
* "text": anything else.

The default policy (profiles/default.toml) does not count "system-file" and "binary"; a profile
can count them (``ignore_contexts``). Either way the finding is made and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from triage.match.keywords import KeywordHit
from triage.records import Examined

_OS_AND_PROGRAMS = re.compile(
    r"^/(windows|winnt|program files( \(x86\))?|usr|bin|sbin|lib|lib32|lib64|boot|efi|recovery|"
    r"system|applications|library|opt|snap)(/|$)",
    re.I,
)
_USER_PLACES_INSIDE = re.compile(r"^/(windows|winnt)/temp(/|$)", re.I)
# Compressed or encoded formats that can reach the keyword scan (identify.carries_text keeps the
# common archives, pictures and media out of it altogether); their raw bytes hold no readable text.
_CANNOT_HOLD_TEXT = frozenset(
    {
        "application/zlib",
        "application/x-lzma",
        "application/x-lz4",
        "application/x-lzip",
        "application/x-compress",
        "application/vnd.ms-cab-compressed",
        "application/x-font-ttf",
        "font/ttf",
        "font/otf",
        "font/woff",
        "font/woff2",
    }
)
REGISTRY_DESCRIPTION = "MS Windows registry file"

NOTES = {
    "system-file": "in an operating-system or program file",
    "path": "in the file's path or name",
    "binary": "in binary data (random-looking or compressed bytes)",
    "registry": "in a registry hive",
    "text": "",
}


def is_system_file(path: str) -> bool:
    return bool(_OS_AND_PROGRAMS.match(path)) and not _USER_PLACES_INSIDE.match(path)


def hit_context(examined: Examined, hit: KeywordHit, where: str) -> str:
    if is_system_file(examined.entry.path):
        return "system-file"
    if where == "path":
        return "path"
    if hit.binary or examined.mime in _CANNOT_HOLD_TEXT:
        return "binary"
    if examined.description.startswith(REGISTRY_DESCRIPTION):
        return "registry"
    return "text"


def by_term_and_context(
    examined: Examined, hits: Iterable[KeywordHit], where: str
) -> dict[tuple[str, str], list[KeywordHit]]:
    """The hits of one file grouped by (term, context): one finding each, in the order found."""
    grouped: dict[tuple[str, str], list[KeywordHit]] = {}
    for hit in hits:
        grouped.setdefault((hit.keyword.term, hit_context(examined, hit, where)), []).append(hit)
    return grouped
