"""Attribute an artefact file to the user account whose profile folder holds it.

Profile roots: Windows ``C:/Users/<name>`` and ``C:/Documents and Settings/<name>``
(XP), macOS ``/Users/<name>``, Linux ``/home/<name>`` and ``/root``. The folder
name is the account's name as the file system shows it; an account renamed
after its profile was made keeps its old folder name.
"""

from __future__ import annotations

import re

_PROFILE = re.compile(r"(?:^|/)(?:users|documents and settings|home)/([^/]+)/", re.IGNORECASE)
_ROOT = re.compile(r"(?:^|/)(?:private/var/)?root/", re.IGNORECASE)
SHARED = frozenset({"public", "default", "default user", "all users", "shared"})


def user_for_path(path: str) -> str:
    """The account name for a path inside a profile folder, else ""."""
    match = _PROFILE.search(path.replace("\\", "/"))
    if match:
        return match.group(1)
    return "root" if _ROOT.match(path.lstrip("/")) else ""


def profile_root(path: str) -> str:
    """The profile folder that holds path ("/Users/alex"), else ""."""
    match = _PROFILE.search(path.replace("\\", "/"))
    return path[: match.end() - 1] if match else ""
