"""Images inside zip-based containers: zip, docx/xlsx/pptx (OOXML), odt/ods/odp (ODF), epub, cbz.

Read with the standard library's ``zipfile`` from the buffered bytes (nothing is written). Bounds,
against zip bombs and hostile archives: at most ``max_members`` members are looked at, a member is
read only if its declared size is within ``max_member_bytes`` and its compression ratio within
``max_ratio``, reading stops at the declared size whatever the data says, and all members of one
container together are capped at ``max_container_bytes``. Only members whose content is an image
or video (by libmagic, not by name) are handed on; containers inside containers are not opened.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

from triage.identify import identify
from triage.library.perceptual.settings import PerceptualSettings

ZIP_MIMES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/epub+zip",
        "application/vnd.comicbook+zip",
        "application/x-cbz",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
    }
)


class ContainerLimit(Exception):
    """A bound was reached; what was read before it is kept."""


def zip_members(
    content: bytes, settings: PerceptualSettings, wanted: frozenset[str], refuse: Callable[[str], None]
) -> Iterator[tuple[str, bytes]]:
    """Yields (member name, bytes) of image/video members; ``refuse`` hears of each member skipped.

    Raises ContainerLimit when the container as a whole is over a bound, zipfile's errors on damage.
    """
    total = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
        for info in infos[: settings.max_members]:
            if info.is_dir() or info.file_size == 0:
                continue
            why = _over_bounds(info, settings)
            if why:
                refuse(why)
                continue
            total += info.file_size
            if total > settings.max_container_bytes:
                cap = settings.max_container_bytes
                raise ContainerLimit(f"members total over {cap:,} bytes: the rest skipped")
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
            if len(data) > info.file_size:
                refuse(f"member {info.filename!r} holds more than its declared size: skipped")
                continue
            if identify(data[:8192])[0] in wanted:
                yield info.filename, data
        if len(infos) > settings.max_members:
            raise ContainerLimit(f"{len(infos)} members: only the first {settings.max_members} looked at")


def _over_bounds(info: zipfile.ZipInfo, settings: PerceptualSettings) -> str:
    if info.file_size > settings.max_member_bytes:
        return f"member {info.filename!r} is {info.file_size:,} bytes, over the member cap: skipped"
    ratio = info.file_size // max(info.compress_size, 1)
    if info.file_size > settings.max_ratio * max(info.compress_size, 1):
        return f"member {info.filename!r} expands {ratio}x, over the ratio cap (zip bomb?): skipped"
    return ""
