"""Video: PDQ of one frame per second, matching timestamps named (needs the optional PyAV)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from .images import scene
from .support import harness, reference_sets

av = pytest.importorskip("av", reason="PyAV not installed: pip install 'triage[video]'")

KNOWN = {"known-1.png": scene(101)}


def video(frames: list[Image.Image], fps: int = 10, fmt: str = "mp4", codec: str = "mpeg4") -> bytes:
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = 480, 360, "yuv420p"
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return reference_sets(tmp_path_factory.mktemp("sets"), KNOWN)


def test_known_frame_is_found_at_its_time(lists):
    frames = [scene(500 + i // 10) for i in range(20)] + [KNOWN["known-1.png"]] * 10 + [scene(600)] * 15
    h = harness(lists)
    h.examine(video(frames), "/Users/a/Videos/clip.mp4")
    [finding] = h.findings
    assert finding.detail["algorithm"] == "pdq"
    assert finding.detail["timestamps"] == [2.0] and finding.detail["timestamp"] == 2.0
    assert finding.summary == (
        "Video is a near match at 0:00:02.000 to known-bad image 'known-1.png' in perceptual set"
        f" 'test-pdq' (PDQ distance {finding.detail['distance']}, threshold 31)"
    )
    assert h.stats["video frames hashed (PDQ)"] == 5  # 0, 1, 2, 3, 4 s of 4.5 s
    assert not h.problems


def test_video_without_the_known_frame_is_quiet(lists):
    h = harness(lists)
    h.examine(video([scene(700 + i // 10) for i in range(30)], codec="libvpx-vp9", fmt="webm"), "/v/x.webm")
    assert h.findings == [] and not h.problems
    assert h.stats["video frames hashed (PDQ)"] == 3


def test_damaged_video_is_a_problem(lists):
    h = harness(lists)
    content = video([KNOWN["known-1.png"]] * 10)
    h.examine(content[:2000], "/v/cut.mp4")
    [problem] = h.problems
    assert problem.kind == "damaged" and problem.what.startswith("video/mp4 could not be decoded")


def test_frame_cap_is_a_problem_and_keeps_earlier_matches(lists):
    from triage.library.perceptual.settings import PerceptualSettings

    h = harness(lists, PerceptualSettings(video_max_frames=2))
    h.examine(video([KNOWN["known-1.png"]] * 40), "/v/long.mp4")
    assert [f.detail["timestamps"] for f in h.findings] == [[0.0, 1.0]]
    [problem] = h.problems
    assert problem.what == "not fully examined: frame cap of 2 reached at 2.000 s"
