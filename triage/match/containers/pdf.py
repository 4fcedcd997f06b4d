"""PDF: the images on each page and the embedded files, with ``pypdf`` (BSD-3-Clause, tested 7.1).

Image XObjects are found through each page's resources (and the form XObjects it draws). A JPEG
(``/DCTDecode``) or JPEG 2000 image comes out as the very bytes stored in the PDF, so a known JPEG
put in a PDF keeps its hash; other images are decoded by pypdf and saved as PNG (perceptual
matching still sees them), after a pixel-count check.
Attachments (``/EmbeddedFiles``) are members too. An encrypted PDF is opened with the empty user
password (most are: "owner password only"); otherwise it is reported as an encrypted container.
pypdf bounds its own decompression (``pypdf.filters`` output limits) against Flate bombs.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, safe_name

MAX_FORM_DEPTH = 4
MAX_PIXELS = 64_000_000
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


def _page_images(page: Any, number: int) -> Iterator[Member | Skipped]:
    try:
        resources = page.get("/Resources")
        found = list(_image_objects(resources.get_object() if resources else None, f"page {number}", 0))
    except Exception as exc:
        yield Skipped(f"page {number}", f"images not readable: {exc}")
        return
    for label, image in found:
        yield _image_member(safe_name(label), image)


def _image_objects(resources: Any, prefix: str, depth: int) -> Iterator[tuple[str, Any]]:
    """Image XObjects of a resource dictionary, and of the form XObjects it draws (4 deep at most)."""
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None or depth > MAX_FORM_DEPTH:
        return
    for name, reference in xobjects.get_object().items():
        xobject = reference.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            yield f"{prefix}/{name.lstrip('/')}", xobject
        elif subtype == "/Form":
            inner = xobject.get("/Resources")
            yield from _image_objects(inner.get_object() if inner else None, f"{prefix}/{name}", depth + 1)


def _image_member(label: str, image: Any) -> Member | Skipped:
    """A JPEG or JPEG 2000 image as stored; other images decoded and saved as PNG (pixel-capped)."""
    try:
        filters = image.get("/Filter")
        last = filters[-1] if isinstance(filters, list) and filters else filters
        if last in ("/DCTDecode", "/JPXDecode"):
            return Member(label, image.get_data())
        pixels = int(image.get("/Width", 0)) * int(image.get("/Height", 0))
        if pixels > MAX_PIXELS:
            return Skipped(label, f"image of {pixels:,} pixels, over the decoding cap")
        buffer = io.BytesIO()
        image.decode_as_image().save(buffer, "PNG")
        return Member(label + ".png", buffer.getvalue())
    except Exception as exc:  # pypdf and Pillow raise many types on hostile input
        return Skipped(label, f"image not decodable: {exc}")


def _attachments(reader: Any, limits: ContainerLimits) -> Iterator[Member | Skipped]:
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
