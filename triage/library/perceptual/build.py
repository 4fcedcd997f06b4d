"""``triage library build-perceptual FOLDER``: perceptual hash sets computed from reference images.

Hashes every image under FOLDER (by content type, whatever its name) with the same decode and
hashes the scan uses (``triage.match.perceptual``), and writes three lists a profile can name in
``[[perceptual_sets]]``: ``<out>.pdq.txt`` in ThreatExchange's text form (``hash,quality,name``),
``<out>.phash.txt`` and ``<out>.dhash.txt`` (``hash name``). Images that cannot be decoded are
listed on stderr and counted; they never stop the build.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from triage.cli_common import InputProblem, OutputProblem
from triage.identify import IMAGE_MIMES, MAGIC_BYTES, identify
from triage.library.perceptual.decode import decode_for_hashing
from triage.library.perceptual.hashes import ImageHashes, compute_hashes
from triage.library.perceptual.settings import PerceptualSettings


@dataclass
class BuiltSets:
    hashed: list[tuple[str, ImageHashes]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "name: why"
    skipped: int = 0  # files that are not images

    def lines(self, algorithm: str) -> list[str]:
        if algorithm == "pdq":
            return [f"{h.pdq.hex()},{h.pdq_quality},{name}" for name, h in self.hashed]
        return [f"{h.code(algorithm).hex()} {name}" for name, h in self.hashed]


def hash_folder(folder: Path, settings: PerceptualSettings | None = None) -> BuiltSets:
    settings = settings or PerceptualSettings()
    built = BuiltSets()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        name = path.relative_to(folder).as_posix().replace(",", "_").replace(" ", "_")
        content = path.read_bytes()
        if identify(content[:MAGIC_BYTES])[0] not in IMAGE_MIMES:
            built.skipped += 1
            continue
        try:
            built.hashed.append((name, compute_hashes(decode_for_hashing(content, settings.max_pixels))))
        except Exception as exc:  # a damaged reference image is reported, not fatal
            built.failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return built


def write_sets(built: BuiltSets, out: Path, header: str) -> list[Path]:
    written = []
    for algorithm in ("pdq", "phash", "dhash"):
        target = out.with_name(f"{out.name}.{algorithm}.txt")
        lines = [f"# {header}", f"# {algorithm} hashes computed by triage library build-perceptual"]
        target.write_text("\n".join([*lines, *built.lines(algorithm)]) + "\n")
        written.append(target)
    return written


@click.command("build-perceptual")
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Prefix of the lists written: OUT.pdq.txt, OUT.phash.txt, OUT.dhash.txt.",
)
def build_perceptual(folder: Path, out: Path) -> None:
    """Compute PDQ, pHash and dHash lists from the reference images in FOLDER."""
    if not out.parent.is_dir():
        raise InputProblem(f"--out {out}: the folder {out.parent} does not exist")
    built = hash_folder(folder)
    for failure in built.failed:
        click.echo(f"warning: not hashed: {failure}", err=True)
    try:
        written = write_sets(built, out, f"reference images from {folder.name}")
    except OSError as exc:
        raise OutputProblem(f"--out {out}: cannot write the lists: {exc.strerror}") from None
    click.echo(
        f"hashed {len(built.hashed)} images ({len(built.failed)} failed, {built.skipped} other files);"
        f" wrote {', '.join(str(p) for p in written)}"
    )
    if not built.hashed:
        sys.exit(3)
