"""Seen on the device but never alerted: the signs that the agent was bypassed.

A device record is listed when it falls in the monitoring period, matches the
same libraries, and no alert accounts for it. "The same libraries" are the
profile's keyword lists (run over the record's URL, title, term and names), its
hash sets and other content matches (any finding on a file), the terms the agent
itself alerted on, and the hosts of the URLs it alerted on (not search engines').
Records that confirm an alert, or show an alerted URL or term at another time,
are listed with that alert instead.

Each record gets the first sign that fits:

* private-browsing: the parser marked it private, or a cached item or download
  from a host with no history visit at all;
* portable-browser: a browser's files outside the user profile folders, or in
  a folder named portable / Tor Browser;
* second-user: an account the agent does not monitor (install facts'
  ``monitored_users``, else the accounts named in the alerts);
* other-browser: a browser not in the install facts' ``monitored_browsers``;
* virtual-machine: a virtual disk modified in the period, or virtualisation
  software installed (listed whether or not it matches a library);
* unalerted: none of these: the agent should have seen it.

A file parsed as an artefact (a History database and its -wal) is represented by
its records, not listed again as a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from triage.agent.confirm import AlertResult
from triage.agent.evidence import DeviceRecord
from triage.agent.gaps import DERIVED, Period
from triage.agent.records import AgentInputs
from triage.agent.urls import host_of, normalise_url
from triage.artefacts.search_terms import search_term
from triage.artefacts.users import in_user_profile
from triage.match.keywords import KeywordScanner

VM_DISK_SUFFIXES = frozenset({".vmdk", ".vdi", ".vhd", ".vhdx", ".qcow2", ".hdd", ".vmem", ".vmsn"})
VM_PRODUCTS = ("virtualbox", "vmware", "qemu", "hyper-v", "parallels", "virt-manager")
MAX_TEXT = 4096
_PORTABLE = ("portable", "tor browser", "torbrowser")


@dataclass(frozen=True)
class Unalerted:
    record: DeviceRecord
    sign: str  # the agent-bypass finding's label
    matched: str  # which library it matches, in plain words


def unalerted_activity(
    records: Sequence[DeviceRecord],
    results: Sequence[AlertResult],
    inputs: AgentInputs,
    period: Period,
    keywords: KeywordScanner,
) -> list[Unalerted]:
    accounted = {m.record.index for r in results for m in (*r.matches, *r.other_times)}
    library = _AgentLibrary(inputs, keywords)
    context = _Context(records, inputs)
    found = []
    for record in records:
        if record.index in accounted or record.kind.startswith(DERIVED) or not _in_period(record, period):
            continue
        vm = _virtual_machine(record)
        matched = vm or library.matches(record)
        if matched:
            found.append(Unalerted(record, "virtual-machine" if vm else context.sign(record), matched))
    return found


class _AgentLibrary:
    """What the agent watches for: the profile's libraries plus the agent's own alerted terms and hosts."""

    def __init__(self, inputs: AgentInputs, keywords: KeywordScanner) -> None:
        self.keywords = keywords
        self.terms = _automaton({a.term.casefold() for a in inputs.alerts if a.term})
        # a search engine's host would flag every search: its alerted terms are matched instead
        self.hosts = {
            host_of(normalise_url(a.url)) for a in inputs.alerts if a.url and not search_term(a.url)
        }
        self.hosts.discard("")

    def matches(self, record: DeviceRecord) -> str:
        if record.kind == "file":  # an artefact file's matches are its artefact records'
            return (
                f"findings {', '.join(record.finding_ids)}"
                if record.finding_ids and not record.artefact_file
                else ""
            )
        if record.kind == "software/installed":
            return ""
        if not self.keywords.empty and record.raw_text:
            hits = self.keywords.scan_text(record.raw_text[:MAX_TEXT])
            if hits:
                return f"keyword {hits[0].keyword.term!r} (profile list)"
        term = next((t for _, t in self.terms.iter(record.text)), "") if self.terms else ""
        if term:
            return f"term {term!r} (alerted by the agent)"
        host = host_of(record.url)
        return f"host {host} (alerted by the agent)" if host and host in self.hosts else ""


class _Context:
    """What the agent was set to monitor, and what the device's history shows."""

    def __init__(self, records: Sequence[DeviceRecord], inputs: AgentInputs) -> None:
        install = inputs.install
        users = (
            install.monitored_users
            if install and install.monitored_users
            else [a.user for a in inputs.alerts]
        )
        self.users = {u.casefold() for u in users if u}
        self.browsers = set(install.monitored_browsers) if install else set()
        self.visited_hosts = {host_of(r.url) for r in records if r.kind == "browser/visit" and r.url}

    def sign(self, record: DeviceRecord) -> str:
        path = record.path.casefold()
        if record.private or (
            record.kind in ("browser/cache", "browser/download")
            and host_of(record.url) not in self.visited_hosts
        ):
            return "private-browsing"
        if record.browser and (any(p in path for p in _PORTABLE) or not in_user_profile(path)):
            return "portable-browser"
        if record.user and self.users and record.user.casefold() not in self.users:
            return "second-user"
        if record.browser and self.browsers and record.browser not in self.browsers:
            return "other-browser"
        return "unalerted"


def _automaton(terms: set[str]) -> ahocorasick.Automaton | None:
    """One pass over a record's text finds any of the agent's alerted terms (pyahocorasick)."""
    if not terms:
        return None
    automaton = ahocorasick.Automaton()
    for term in sorted(terms):
        automaton.add_word(term, term)
    automaton.make_automaton()
    return automaton


def _in_period(record: DeviceRecord, period: Period) -> bool:
    """Installed software counts whenever it was installed: it is still there to be used."""
    if record.kind == "software/installed":
        return True
    return record.time is not None and period.start <= record.time <= period.end


def is_virtual_disk(path: str) -> bool:
    return "." + path.rsplit(".", 1)[-1].casefold() in VM_DISK_SUFFIXES


def _virtual_machine(record: DeviceRecord) -> str:
    if record.kind == "file" and is_virtual_disk(record.path):
        return "virtual disk modified in the monitoring period"
    if record.kind == "software/installed" and any(p in record.text for p in VM_PRODUCTS):
        return "virtualisation software installed"
    return ""
