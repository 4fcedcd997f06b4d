"""triage: offline, read-only field triage of devices for offender management."""

__version__ = "0.1.0"
