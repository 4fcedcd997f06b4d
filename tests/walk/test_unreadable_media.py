"""Media that cannot be read (a damaged E01 chunk, a bad sector) is a volume not examined, not a crash."""

from __future__ import annotations

from triage.walk.volumes import open_volumes


class FailingMedia:
    """A disk whose every read fails, as a damaged E01 chunk or a bad sector does."""

    size = 1 << 20

    def read(self, offset: int, length: int) -> bytes:
        raise OSError(5, "Input/output error")

    def close(self) -> None:
        pass


def test_unreadable_media_is_a_volume_not_examined_not_a_crash():
    [opened] = open_volumes("bad.E01", FailingMedia())
    assert (opened.fs, opened.reason) == (None, "unreadable: Input/output error")
