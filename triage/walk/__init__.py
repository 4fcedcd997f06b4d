"""Walk: enumerate every file on every volume of a source, with provenance."""

from triage.walk.files import FileHandle

__all__ = ["FileHandle"]
