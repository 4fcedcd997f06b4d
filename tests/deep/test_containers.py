"""Containers and documents (issue 16): members examined like files, bombs bounded and reported."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile
from pathlib import Path

import libarchive
import pytest

from tests.deep.cfb import compound_file
from tests.deep.support import harness, known_jpeg, pdf_with_jpeg, sha256
from triage.match.containers import CONTAINERS_ANALYZER, ContainerAnalyzer
from triage.match.containers.base import ContainerLimits
from triage.records import Content, Entry, Examined, FindingDraft, Problem

JPEG = known_jpeg()


def tar_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def records(content: bytes, path: str, mime: str, limits: ContainerLimits | None = None) -> list:
    analyzer = ContainerAnalyzer(limits) if limits else CONTAINERS_ANALYZER
    examined = Examined(Entry("disk.dd", 1, path, len(content)), mime)
    assert analyzer.wants(examined)
    return list(analyzer.analyze(examined, content))


def test_jpeg_in_a_tar_gz_is_a_hash_match_with_its_container_path(tmp_path: Path) -> None:
    h = harness(tmp_path, [JPEG])
    h.examine(gzip.compress(tar_of({"notes.txt": b"hello", "pics/a.jpg": JPEG})), "/home/a/x.tar.gz")
    [match] = h.matches
    assert match.entry.path == "/home/a/x.tar.gz"
    assert match.entry.container == ("gzip:/home/a/x.tar.gz", "x.tar", "tar:x.tar", "pics/a.jpg")
    assert (match.examined.sha256, match.examined.mime) == (sha256(JPEG), "image/jpeg")
    assert h.problems == []


def test_jpeg_in_a_docx_is_a_hash_match(tmp_path: Path) -> None:
    h = harness(tmp_path, [JPEG])
    docx = zip_of(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/media/image1.jpeg": JPEG}
    )
    h.examine(docx, "/Users/a/Documents/report.docx")
    [match] = h.matches
    assert match.entry.container == ("zip:/Users/a/Documents/report.docx", "word/media/image1.jpeg")
    inside = sorted(e.entry.container[-1] for e in h.inventory if e.entry.container)
    assert inside == ["[Content_Types].xml", "word/document.xml", "word/media/image1.jpeg"]


def test_jpeg_in_a_pdf_is_a_hash_match(tmp_path: Path) -> None:
    h = harness(tmp_path, [JPEG])
    h.examine(pdf_with_jpeg(JPEG), "/Users/a/Documents/scan.pdf")
    [match] = h.matches
    assert match.entry.container == ("pdf:/Users/a/Documents/scan.pdf", "page 1/Im1")
    assert match.examined.sha256 == sha256(JPEG)


@pytest.mark.parametrize(("form", "kind"), [("7zip", "7z"), ("cpio", "cpio")])
def test_jpeg_in_a_libarchive_format_is_found(tmp_path: Path, form: str, kind: str) -> None:
    target = tmp_path / f"a.{kind}"
    with libarchive.file_writer(str(target), form) as archive:
        archive.add_file_from_memory("deep/a.jpg", len(JPEG), JPEG)
    h = harness(tmp_path, [JPEG])
    h.examine(target.read_bytes(), f"/u/a.{kind}")
    [match] = h.matches
    assert match.entry.container == (f"{kind}:/u/a.{kind}", "deep/a.jpg")


def test_pdf_with_a_user_password_is_an_encrypted_container() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_jpeg(JPEG))))
    writer.encrypt("secret-user-password", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    found = records(buffer.getvalue(), "/u/locked.pdf", "application/pdf")
    [finding] = [r for r in found if isinstance(r, FindingDraft)]
    assert (finding.label, finding.detail["reason"]) == ("encryption", "encrypted PDF (needs a password)")
    assert not [r for r in found if isinstance(r, Content)]


@pytest.mark.peerdata
def test_iso9660_members_are_read(peerdata) -> None:
    """dfvfs's iso9660.raw (MANIFEST: PASSWORDS.TXT, A_DIRECTORY/A_FILE, ANOTHER_FILE of 22 bytes)."""
    content = peerdata("dfvfs", "test_data", "iso9660.raw").read_bytes()
    found = records(content, "/images/disc.iso", "application/x-iso9660-image")
    members = {r.entry.container[-1]: len(r.data) for r in found if isinstance(r, Content)}
    assert members["A_DIRECTORY/ANOTHER_FILE"] == 22
    assert {"PASSWORDS.TXT", "A_DIRECTORY/A_FILE"} <= set(members)
    assert not [r for r in found if isinstance(r, Problem)]


def test_zip_bomb_members_are_refused_and_reported() -> None:
    bomb = zip_of({"zeros.bin": b"\x00" * (40 << 20), "readme.txt": b"hi"})
    found = records(bomb, "/u/bomb.zip", "application/zip")
    [member] = [r for r in found if isinstance(r, Content)]
    assert member.entry.container == ("zip:/u/bomb.zip", "readme.txt")
    [problem] = [r for r in found if isinstance(r, Problem)]
    assert problem.kind == "error" and problem.size == 40 << 20
    assert problem.what.startswith("zip member 'zeros.bin' not examined: expands 1,0")
    assert problem.what.endswith("x, over the ratio cap (zip bomb?)")


def test_gzip_bomb_stops_at_the_ratio_cap() -> None:
    bomb = gzip.compress(b"\x00" * (64 << 20), 9)
    found = records(bomb, "/u/big.gz", "application/gzip")
    [problem] = found
    assert problem.kind == "error"
    assert problem.what == "gzip member 'big' not examined: expands over 200x its size (compression bomb?)"


def test_member_count_over_the_cap_is_a_coverage_gap() -> None:
    archive = zip_of({f"m{i:03d}.txt": b"x" for i in range(101)}, zipfile.ZIP_STORED)
    found = records(archive, "/u/many.zip", "application/zip", ContainerLimits(max_members=100))
    assert sum(isinstance(r, Content) for r in found) == 100
    [problem] = [r for r in found if isinstance(r, Problem)]
    assert problem.what == "zip not examined: zip of 101 members: only the first 100 examined"
    assert (problem.kind, problem.size) == ("error", 1)


def test_ten_thousand_deep_nesting_stops_at_the_depth_limit() -> None:
    data = b"the innermost file"
    for _ in range(10_000):
        data = gzip.compress(data, compresslevel=0, mtime=0)
    found = records(data, "/u/deep.gz", "application/gzip")
    contents = [r for r in found if isinstance(r, Content)]
    assert len(contents) == 8  # the default max_depth
    assert contents[-1].entry.container[-2:] == ("gzip:deep", "deep")
    [problem] = [r for r in found if isinstance(r, Problem)]
    assert problem.kind == "error"
    assert problem.what == "gzip container nested 8 deep: not opened (depth limit 8)"
    assert problem.size == len(contents[-1].data)


def test_total_budget_covers_the_whole_tree() -> None:
    inner = zip_of({f"f{i}": os.urandom(1000) for i in range(10)}, zipfile.ZIP_STORED)
    outer = zip_of({f"z{i}.zip": inner for i in range(10)}, zipfile.ZIP_STORED)
    found = records(outer, "/u/fan.zip", "application/zip", ContainerLimits(max_members_total=50))
    assert sum(isinstance(r, Content) for r in found) == 50
    problems = [r.what for r in found if isinstance(r, Problem)]
    assert problems == [
        "containers inside this file hold more than 50 members or 1,073,741,824 bytes: the rest not examined"
    ] * len(problems)
    assert problems


def test_hostile_tar_names_are_labels_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = ["../../etc/passwd", "/abs/evil.txt", "ctl\x1b[2Jname\x07.txt", "a/../../b.txt"]
    found = records(tar_of({n: b"pwned" for n in names}), "/u/t.tar", "application/x-tar")
    assert [r.entry.container[-1] for r in found] == [
        "../../etc/passwd",
        "/abs/evil.txt",
        "ctl\\x1b[2Jname\\x07.txt",
        "a/../../b.txt",
    ]
    assert all(r.data == b"pwned" for r in found)
    assert list(tmp_path.iterdir()) == []
    assert not Path("/abs/evil.txt").exists()


def _encrypted_zip() -> bytes:
    """A zip whose member has the "encrypted" flag set (zipfile cannot write encrypted zips)."""
    data = bytearray(zip_of({"secret.jpg": JPEG}, zipfile.ZIP_STORED))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flag_at] |= 0x01
    return bytes(data)


def test_encrypted_member_is_an_encryption_finding_and_a_gap() -> None:
    found = records(_encrypted_zip(), "/u/locked.zip", "application/zip")
    [finding] = [r for r in found if isinstance(r, FindingDraft)]
    assert (finding.kind, finding.label) == ("indicator", "encryption")
    assert finding.summary == "Encrypted container: zip with 1 encrypted member(s) that could not be read"
    assert finding.detail["names"] == ["secret.jpg"]
    [problem] = [r for r in found if isinstance(r, Problem)]
    assert (problem.kind, problem.what, problem.size) == (
        "error",
        "zip: 1 encrypted member(s) not examined",
        len(JPEG),
    )


def test_damaged_zip_is_damage_not_a_crash() -> None:
    found = records(zip_of({"a.txt": b"a" * 1000})[:-30], "/u/cut.zip", "application/zip")
    [problem] = found
    assert problem.kind == "damaged" and problem.what.startswith("zip container damaged: not a readable zip")


def test_truncated_gzip_keeps_what_was_decompressed() -> None:
    packed = gzip.compress(os.urandom(300_000))
    found = records(packed[: len(packed) // 2], "/u/cut.gz", "application/gzip")
    member, problem = found
    assert isinstance(member, Content) and 100_000 < len(member.data) < 200_000
    assert problem.kind == "damaged" and "gzip stream broken after" in problem.what


def test_members_of_a_walk_are_not_opened_again() -> None:
    nested = Examined(Entry("d", 1, "/a.zip", 10, container=("zip:/a.zip", "b.tar")), "application/x-tar")
    carved = Examined(Entry("d", 1, "/x", 10, container=("carve:/x", "offset 4 (zip)")), "application/zip")
    assert not CONTAINERS_ANALYZER.wants(nested)
    assert CONTAINERS_ANALYZER.wants(carved)


def test_thumbs_db_picture_is_carved_from_its_ole_stream(tmp_path: Path) -> None:
    """Thumbs.db keeps each thumbnail in a stream of its own behind a 12-byte header."""
    thumbs = compound_file(
        {"1": b"\x0c\x00\x00\x00\x01\x00\x00\x00" + len(JPEG).to_bytes(4, "little") + JPEG}
    )
    h = harness(tmp_path, [JPEG])
    h.examine(thumbs, "/Users/a/Pictures/Thumbs.db")
    [match] = h.matches
    assert match.entry.container == (
        "ole:/Users/a/Pictures/Thumbs.db",
        "1",
        "carve:1",
        f"offset 12 (jpeg, {len(JPEG):,} bytes)",
    )


def test_password_protected_office_document_is_an_encrypted_container() -> None:
    """MS-OFFCRYPTO 2.3.4: an encrypted docx is an OLE file with EncryptionInfo and EncryptedPackage."""
    document = compound_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x9a" * 6000})
    found = records(document, "/Users/a/secret.docx", "application/encrypted")
    [finding] = [r for r in found if isinstance(r, FindingDraft)]
    assert (finding.label, finding.detail["names"]) == ("encryption", ["EncryptedPackage"])
    assert finding.summary == "Encrypted container: ole with 1 encrypted member(s) that could not be read"
    assert [r.entry.container[-1] for r in found if isinstance(r, Content)] == [
        "EncryptedPackage",
        "EncryptionInfo",
    ]


RAR = Path(__file__).parents[1] / "data" / "rar"


def test_rar5_members_are_read_through_libarchive() -> None:
    found = records((RAR / "rar5-blake.rar").read_bytes(), "/u/a.rar", "application/x-rar")
    members = {r.entry.container[-1]: r.data for r in found if isinstance(r, Content)}
    assert sorted(members) == ["stest1.txt", "stest2.txt"]
    assert len(members["stest1.txt"]) == 2048 and members["stest1.txt"] == members["stest2.txt"]
    assert not [r for r in found if isinstance(r, Problem)]


@pytest.mark.parametrize(("name", "count"), [("rar5-psw.rar", 2), ("rar5-hpsw.rar", 1)])
def test_encrypted_rar_is_an_encryption_finding_not_ciphertext(name: str, count: int) -> None:
    """libarchive 3.6.2 hands back a stored encrypted RAR 5 member's ciphertext: rarfile's headers say."""
    found = records((RAR / name).read_bytes(), f"/u/{name}", "application/x-rar")
    assert not [r for r in found if isinstance(r, Content)]
    [finding] = [r for r in found if isinstance(r, FindingDraft)]
    assert (finding.label, finding.detail["encrypted_members"]) == ("encryption", count)


def test_rar3_solid_archive_is_a_coverage_gap_not_damage() -> None:
    found = records((RAR / "rar3-comment-plain.rar").read_bytes(), "/u/c.rar", "application/x-rar")
    [problem] = [r for r in found if isinstance(r, Problem)]
    assert (problem.kind, problem.what) == (
        "error",
        "rar container not examined: libarchive cannot read the rest: RAR solid archive support unavailable.",
    )
