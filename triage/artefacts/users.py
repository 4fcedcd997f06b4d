"""The user account a path belongs to: the one place that says so (parsers, the agent
cross-check and the scan's priority order all ask here).

Profile roots, at the top of a volume: Windows ``Users/<name>`` and ``Documents and
Settings/<name>`` (XP), also under ``Windows.old/`` (the profiles of an earlier Windows
install); macOS ``Users/<name>``, ``var/root`` and ``private/var/root``; Linux ``home/<name>``
and ``root``; iOS ``private/var/mobile``. A drive letter (``C:\\``) and backslashes are
accepted. The folder name is the account's name as the file system shows it; an account
renamed after its profile was made keeps its old folder name. A folder called "users" deeper
in the tree (``/Program Files/App/users/x``) is not a profile root. Plain string tests, no
regular expression: it runs once per file on the device.
"""

from __future__ import annotations

PROFILE_ROOTS = ("users/", "home/", "documents and settings/")
HOME_FOLDERS = {
    "root/": "root",
    "var/root/": "root",
    "private/var/root/": "root",
    "private/var/mobile/": "mobile",
}
OLD_INSTALLS = ("windows.old/",)
SHARED = frozenset({"public", "default", "default user", "all users", "shared"})


def user_for_path(path: str) -> str:
    """The account name for a path inside a profile folder, else ""."""
    rest = _volume_relative(path)
    folded = rest[:40].casefold()
    for folder, user in HOME_FOLDERS.items():
        if folded.startswith(folder):
            return user
    root = next((r for r in PROFILE_ROOTS if folded.startswith(r)), "")
    if not root:
        return ""
    name, separator, _ = rest[len(root) :].partition("/")
    return name if separator and name else ""


def in_user_profile(path: str) -> bool:
    return bool(user_for_path(path))


def profile_root(path: str) -> str:
    """The profile folder that holds path ("/Users/alex"), else ""."""
    user = user_for_path(path)
    if not user:
        return ""
    normal = path.replace("\\", "/")
    end = normal.casefold().find(f"/{user.casefold()}/")
    return normal[: end + len(user) + 1] if end >= 0 else ""


def _volume_relative(path: str) -> str:
    rest = path.replace("\\", "/").lstrip("/")
    if rest[1:3] == ":/":
        rest = rest[3:]
    for old in OLD_INSTALLS:
        if rest[: len(old)].casefold() == old:
            rest = rest[len(old) :]
    return rest
