"""Per user, a short summary for the examiner: accounts, browsers, activity, devices connected.

Built from ``ScanResult.artefacts`` (the parsed artefacts, every one of them) in one pass, so
a laptop with 50,000 visits costs one loop. Devices recorded by the system (the SYSTEM hive's
USBSTOR keys carry no user) are listed under "all users". Every list is counted and cut: the
appendix and findings.json hold the rows themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from triage.records import Artefact

ALL_USERS = "(all users: recorded by the system)"
MAX_DEVICES = 8
MAX_ACTIVITY_KINDS = 8
DEVICE_KINDS = ("usb/device", "volume/mountpoint")


@dataclass(frozen=True)
class UserSummary:
    name: str
    accounts: tuple[str, ...]  # "alex (last login 2024-03-01 12:00 UTC)"
    browsers: tuple[str, ...]  # "Chrome: 120 visits, 4 searches"
    activity: tuple[tuple[str, int], ...]  # (kind, count), most frequent first
    first: datetime | None
    last: datetime | None
    devices: tuple[str, ...]
    more_devices: int
    total: int


@dataclass
class _Tally:
    """Counts for one user while the artefacts stream past (mutable, local to ``user_summaries``)."""

    accounts: list[str] = field(default_factory=list)
    browsers: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    devices: dict[str, None] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, artefact: Artefact) -> None:
        self.kinds[artefact.kind] += 1
        if artefact.time is not None:
            self.first = min(self.first, artefact.time) if self.first else artefact.time
            self.last = max(self.last, artefact.time) if self.last else artefact.time
        if artefact.kind == "account/user":
            self.accounts.append(_account(artefact))
        elif artefact.kind.startswith("browser/"):
            counter = self.browsers.setdefault(browser_name(artefact.parser), Counter())
            counter[artefact.kind.partition("/")[2]] += 1
        device = _device(artefact)
        if device:
            self.devices.setdefault(device)


def user_summaries(artefacts: Iterable[Artefact]) -> tuple[UserSummary, ...]:
    """One summary per user seen in the artefacts, users by name, the system's last."""
    tallies: dict[str, _Tally] = {}
    for artefact in artefacts:
        tallies.setdefault(artefact.user or ALL_USERS, _Tally()).add(artefact)
    ordered = sorted(tallies, key=lambda name: (name == ALL_USERS, name.casefold()))
    return tuple(_summary(name, tallies[name]) for name in ordered)


def browser_name(parser: str) -> str:
    """ "browser/chrome-history" -> "Chrome"; the parser names the browser."""
    return parser.partition("/")[2].partition("-")[0].capitalize() or parser


def _summary(name: str, tally: _Tally) -> UserSummary:
    devices = list(tally.devices)
    return UserSummary(
        name=name,
        accounts=tuple(tally.accounts[:MAX_DEVICES]),
        browsers=tuple(
            f"{browser}: " + ", ".join(f"{n:,} {_plural(kind, n)}" for kind, n in counts.most_common())
            for browser, counts in sorted(tally.browsers.items())
        ),
        activity=tuple(tally.kinds.most_common(MAX_ACTIVITY_KINDS)),
        first=tally.first,
        last=tally.last,
        devices=tuple(devices[:MAX_DEVICES]),
        more_devices=max(0, len(devices) - MAX_DEVICES),
        total=sum(tally.kinds.values()),
    )


def _plural(kind: str, n: int) -> str:
    singular = {"cache": "cached item", "form": "form entry"}.get(kind, kind)
    plural = {"search": "searches", "cache": "cached items", "form": "form entries"}.get(kind, f"{kind}s")
    return singular if n == 1 else plural


def _account(artefact: Artefact) -> str:
    name = str(artefact.values.get("name", "")) or artefact.user
    login = artefact.time.strftime("%Y-%m-%d %H:%M UTC") if artefact.time else "never or unknown"
    return f"{name} (last login {login})"


def _device(artefact: Artefact) -> str:
    """A line naming a storage device this user (or the system) connected, else ""."""
    v = artefact.values
    if artefact.kind == "usb/device":
        name = f"{v.get('vendor', '')} {v.get('product', '')}".strip() or "USB storage"
        return f"{name}, serial {v.get('serial', '') or 'unknown'}"
    if artefact.kind == "volume/mountpoint":
        return f"{v.get('type', '')} {v.get('name', '')}".strip()
    if artefact.kind == "windows/shortcut" and str(v.get("drive_type", "")).lower().startswith("removable"):
        label = f" “{v['volume_label']}”" if v.get("volume_label") else ""
        return f"removable volume, serial {v.get('volume_serial', '') or 'unknown'}{label}"
    return ""
