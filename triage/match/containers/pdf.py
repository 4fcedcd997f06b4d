"""PDF: the images on each page and the embedded files, with ``pypdf`` (BSD-3-Clause, tested 7.1).

A JPEG image (``/DCTDecode``) comes out as the very bytes stored in the PDF, so a known JPEG put in
a PDF keeps its hash; other images are re-encoded by pypdf (perceptual matching still sees them).
Attachments (``/EmbeddedFiles``) are members too. An encrypted PDF is opened with the empty user
password (most are: "owner password only"); otherwise it is reported as an encrypted container.
pypdf bounds its own decompression (``pypdf.filters`` output limits) against Flate bombs.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, safe_name

PDF_MIMES = frozenset({"application/pdf", "application/x-pdf"})
logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged PDFs are reported by us, once


class PdfFormat:
    kind = "pdf"

    def recognises(self, mime: str, head: bytes) -> bool:
        return mime in PDF_MIMES

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        from pypdf import PdfReader  # imported late: a second to import, needed only for PDFs

        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                yield Skipped("", "encrypted PDF (needs a password)", len(data), encrypted=True)
                return
            pages = list(reader.pages)
        except Exception as exc:  # pypdf raises many types on hostile input
            raise Damaged(f"not a readable PDF: {exc}") from exc
        count = 0
        for number, page in enumerate(pages, 1):
            for member in _page_images(page, number):
                if count == limits.max_members:
                    yield Skipped(
                        "", f"PDF with more than {limits.max_members:,} images: the rest not examined"
                    )
                    return
                count += 1
                yield _capped(member, limits)
        yield from _attachments(reader, limits)


def _page_images(page, number: int) -> Iterator[Member | Skipped]:
    try:
        images = list(page.images)
    except Exception as exc:
        yield Skipped(f"page {number}", f"images not readable: {exc}")
        return
    for image in images:
        label = safe_name(f"page {number}/{image.name}")
        try:
            yield Member(label, image.data)
        except Exception as exc:
            yield Skipped(label, f"image not decodable: {exc}")


def _attachments(reader, limits: ContainerLimits) -> Iterator[Member | Skipped]:
    try:
        attachments = reader.attachments
        items = [(name, blob) for name, blobs in attachments.items() for blob in blobs]
    except Exception as exc:
        yield Skipped("attachments", f"embedded files not readable: {exc}")
        return
    for name, blob in items[: limits.max_members]:
        yield _capped(Member(safe_name(f"attachment/{name}"), blob), limits)


def _capped(member: Member | Skipped, limits: ContainerLimits) -> Member | Skipped:
    if isinstance(member, Member) and len(member.data) > limits.max_member_bytes:
        return Skipped(member.name, "over the member cap", len(member.data))
    return member
