"""Order-condition indicators: the library, path and program traces, encrypted volumes and containers."""

from __future__ import annotations

import random

import pytest

from tests.artefacts.helpers import context, gzip_head_handle, handle_of
from triage.artefacts.indicators import indicators_of
from triage.artefacts.indicators.checks import OrderConditionChecks
from triage.artefacts.indicators.encrypted import encryption_signature
from triage.artefacts.windows.removable import CONDITION as REMOVABLE_NOT_PRESENT
from triage.profile import load_profile
from triage.records import Artefact

FVE = {
    ("bde", "aes_128.bin.gz"): "BitLocker",
    ("bde", "aes-xts_128.bin.gz"): "BitLocker",
    ("bde", "recovery_password.bin.gz"): "BitLocker",
    ("bde", "suspended.bin.gz"): "BitLocker",
    ("bde", "decrypted.bin.gz"): "BitLocker",  # decrypted, but still a BitLocker volume
    ("luks1", "aes-ecb.bin.gz"): "LUKS1",
    ("luks2", "aes-xts-plain64.bin.gz"): "LUKS2",
}


def run_checks(*handles, profile: str = "demo"):
    ctx, problems = context(profile=profile)
    ctx.parse(OrderConditionChecks(), list(handles))
    return ctx, problems


@pytest.mark.parametrize(("folder", "name"), sorted(FVE))
def test_dissect_fve_volumes_are_detected_as_encrypted(peerdata, folder, name):
    real = peerdata("dissect.fve", "tests", "_data", folder, name)
    handle = gzip_head_handle(real, f"/images/{name.removesuffix('.gz')}")
    assert encryption_signature(handle.read_at(0, 65536)) == FVE[folder, name]
    ctx, problems = run_checks(handle)
    (finding,) = ctx.log.findings
    assert (finding.kind, finding.label) == ("indicator", "encryption")
    assert finding.detail["examples"] == [f"{handle.entry.path} ({FVE[folder, name]})"]
    assert not problems


def test_random_container_file_is_a_possible_veracrypt_volume():
    data = random.Random(7).randbytes(2 * 1024 * 1024)
    ctx, _ = run_checks(handle_of(data, "/Users/alex/Documents/taxes.dat"))
    (finding,) = ctx.log.findings
    assert finding.label == "encryption" and "possible VeraCrypt/TrueCrypt" in finding.summary
    assert finding.detail["users"] == ["alex"]


def test_random_file_with_odd_size_is_not_a_container():
    data = random.Random(7).randbytes(2 * 1024 * 1024 + 1)
    ctx, _ = run_checks(handle_of(data, "/x/blob.bin"))
    assert ctx.log.findings == []


def test_tor_browser_folder_and_wiping_tool_by_path():
    tor = "/Users/alex/Desktop/Tor Browser/Browser/firefox.exe"
    bleach = "/Program Files (x86)/BleachBit/bleachbit.exe"
    ctx, _ = run_checks(
        handle_of(b"x", tor), handle_of(b"y", bleach), handle_of(b"z", "/Users/alex/notes.txt")
    )
    by_label = {f.label: f for f in ctx.log.findings}
    assert sorted(by_label) == ["anonymising-tools", "wiping-tools"]
    assert by_label["anonymising-tools"].detail == {
        "indicator": "tor-browser",
        "condition": "anonymising-tools",
        "traces": 1,
        "users": ["alex"],
        "examples": [tor],
    }
    assert by_label["wiping-tools"].detail["indicator"] == "bleachbit"
    kinds = sorted(a.kind for a in ctx.artefacts)
    assert kinds == ["indicator/anonymising-tools", "indicator/wiping-tools"]


def test_installed_program_matches_an_indicator():
    ctx, _ = context()
    hive = handle_of(b"regf", "/Users/sam/NTUSER.DAT")
    program = Artefact(
        "software/installed", "windows/user-hives", hive.entry, None, "sam", {"name": "CCleaner 6.1"}
    )
    ctx.artefacts.append(program)
    ctx.parse(OrderConditionChecks(), [hive])
    (finding,) = ctx.log.findings
    assert finding.label == "wiping-tools" and finding.detail["examples"] == ["program: CCleaner 6.1"]
    assert finding.detail["users"] == ["sam"]


def test_missing_monitoring_agent_is_reported_on_a_windows_volume(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "t"\n[[scan.monitoring_agents]]\nname = "Demo Monitor"\nos = "windows"\n'
        'paths = ["/program files/demomonitor/*"]\n'
    )
    system = handle_of(b"regf", "/Windows/System32/config/SYSTEM")
    ctx, _ = run_checks(system, profile=str(profile))
    (finding,) = ctx.log.findings
    assert (finding.kind, finding.label) == ("indicator", "monitoring-agent-missing")
    agent = handle_of(b"a", "/Program Files/DemoMonitor/agent.exe")
    ctx, _ = run_checks(system, agent, profile=str(profile))
    assert ctx.log.findings == []


def test_library_ships_every_condition_the_profiles_weigh():
    library = indicators_of(load_profile("default"))
    conditions = {i.condition for i in library.indicators}
    assert conditions == {
        "anonymising-tools",
        "encryption",
        "wiping-tools",
        "virtual-machines",
        "portable-browsers",
        "peer-to-peer",
        "cloud-storage",
        "messaging-apps",
    }
    rules = {r.label for r in load_profile("default").rules if r.kind == "indicator"}
    assert rules <= conditions | {"monitoring-agent-missing", REMOVABLE_NOT_PRESENT}  # set by code


@pytest.mark.parametrize(
    "path",
    [
        "/pagefile.sys",
        "/hiberfil.sys",
        "/Users/a/AppData/Local/Google/Chrome/User Data/Default/Cache/Cache_Data/f_000001",
    ],
)
def test_random_looking_system_and_cache_files_are_not_containers(path):
    ctx, _ = run_checks(handle_of(random.Random(3).randbytes(1024 * 1024), path))
    assert ctx.log.findings == []


def test_a_veracrypt_volume_in_mounted_devices_is_an_encryption_trace():
    ctx, _ = context()
    hive = handle_of(b"regf", "/Windows/System32/config/SYSTEM")
    values = {"name": "\\\\DosDevices\\\\T:", "path": "\\\\??\\\\VeraCryptVolumeT"}
    ctx.artefacts.append(
        Artefact("volume/mounted-device", "windows/system-hive", hive.entry, None, "", values)
    )
    ctx.parse(OrderConditionChecks(), [hive])
    (finding,) = ctx.log.findings
    assert finding.label == "encryption" and finding.detail["indicator"] == "veracrypt-truecrypt"
    assert finding.detail["examples"][0].startswith("mounted volume: ")


def test_monitoring_agent_services_disabled_or_absent_in_a_real_system_hive(peerdata, tmp_path):
    import lzma

    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "t"\n[[scan.monitoring_agents]]\nname = "Demo Monitor"\nos = "windows"\n'
        'services = ["usbhub", "Mcx2Svc", "DemoMonitorSvc"]\n'
    )
    hive = lzma.decompress(peerdata("regipy", "regipy_tests", "data", "SYSTEM.xz").read_bytes())
    ctx, _ = run_checks(handle_of(hive, "/Windows/System32/config/SYSTEM"), profile=str(profile))
    (finding,) = ctx.log.findings
    assert finding.detail["problems"] == [
        "service Mcx2Svc is disabled (Start = 4)",
        "service DemoMonitorSvc is not installed",
    ]


@pytest.mark.parametrize(
    ("path", "indicator"),
    [
        ("/Users/a/VirtualBox VMs/win/win.VMDK", "virtual-machine"),
        ("/Users/a/Downloads/tails-amd64-5.22.img", "i2p-freenet"),
        ("/Users/a/Downloads/tails-amd64-5.22.img.txt", None),
        ("/Users/a/Desktop/Tor Browser/Browser/TorBrowser/Tor/tor.exe", "tor-browser"),
        ("/Users/a/Downloads/ubuntu.torrent", "p2p-client"),
        ("/Users/a/Documents/torrent-notes.txt", None),
        ("/Program Files/CCleaner/CCleaner64.exe", "ccleaner"),
        ("/Users/a/Documents/eraser.exe", None),
    ],
)
def test_path_patterns(path, indicator):
    found = indicators_of(load_profile("default")).match_path(path)
    assert (found.id if found else None) == indicator


def test_the_checks_use_the_library_loaded_at_start_up():
    """The pipeline hands the scan's one indicator library (recorded among the libraries used)
    to the checks through StageInputs; they never read the profile's files again."""
    from triage.artefacts import ARTEFACTS
    from triage.library import HashLibrary
    from triage.library.indicators import Indicator, library_of
    from triage.match.inputs import StageInputs
    from triage.match.keywords import KeywordScanner
    from triage.records import FindingDraft

    only = library_of("test", [Indicator("zz-tool", "ZZ tool", "zz-condition", ("*/zz-tool.exe",))])
    inputs = StageInputs(load_profile("default"), HashLibrary([]), KeywordScanner([]), None, only)
    handles = [handle_of(b"MZ", "/Program Files/ZZ/zz-tool.exe"), handle_of(b"MZ", "/Tor Browser/tor.exe")]
    drafts = [r for r in ARTEFACTS.run(handles, inputs) if isinstance(r, FindingDraft)]
    assert [(d.kind, d.label) for d in drafts] == [("indicator", "zz-condition")]
