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
    problems: list = []
    [opened] = open_volumes("bad.E01", FailingMedia(), report=problems.append)
    assert opened.fs is None
    assert [(p.where, p.what, p.kind) for p in problems] == [
        ("bad.E01", "the media could not be read at byte 0: Input/output error: not examined there", "error")
    ]
