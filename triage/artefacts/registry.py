"""The registered artefact parsers, in the order they run on each volume (one line each).

Order matters once: the indicator checks and the removable-volume check run last, so they
see the installed programs, Prefetch runs, shortcuts and USB devices the parsers found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage.artefacts.browser.chrome_blockfile import ChromeBlockfileCache
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.browser.chrome_simplecache import ChromeSimpleCache
from triage.artefacts.browser.firefox_cache2 import FirefoxCache2
from triage.artefacts.browser.firefox_formhistory import FirefoxFormHistory
from triage.artefacts.browser.firefox_places import FirefoxPlaces
from triage.artefacts.browser.safari_history import SafariHistory
from triage.artefacts.cloud.dropbox import DropboxAccounts
from triage.artefacts.indicators.checks import OrderConditionChecks
from triage.artefacts.linux.recently_used import RecentlyUsed
from triage.artefacts.linux.shell_history import ShellHistory
from triage.artefacts.linux.zeitgeist import Zeitgeist
from triage.artefacts.messaging.skype import Skype
from triage.artefacts.windows.amcache import Amcache
from triage.artefacts.windows.jumplist_auto import AutomaticDestinations
from triage.artefacts.windows.jumplist_custom import CustomDestinations
from triage.artefacts.windows.prefetch import PrefetchFiles
from triage.artefacts.windows.recycle_bin import RecycleBin
from triage.artefacts.windows.recycler_info2 import RecyclerInfo2
from triage.artefacts.windows.removable import RemovableNotPresent
from triage.artefacts.windows.shortcuts import Shortcuts
from triage.artefacts.windows.system_hive import SystemHive
from triage.artefacts.windows.timeline import WindowsTimeline
from triage.artefacts.windows.user_activity import UserActivity
from triage.artefacts.windows.user_hives import UserHives

if TYPE_CHECKING:
    from triage.artefacts import ArtefactParser

PARSERS: tuple[ArtefactParser, ...] = (
    ChromeHistory(),
    ChromeSimpleCache(),
    ChromeBlockfileCache(),
    FirefoxPlaces(),
    FirefoxFormHistory(),
    FirefoxCache2(),
    SafariHistory(),
    SystemHive(),
    UserHives(),
    Shortcuts(),
    AutomaticDestinations(),
    CustomDestinations(),
    RecycleBin(),
    RecyclerInfo2(),
    PrefetchFiles(),
    UserActivity(),
    Amcache(),
    WindowsTimeline(),
    Skype(),
    ShellHistory(),
    RecentlyUsed(),
    Zeitgeist(),
    DropboxAccounts(),
    OrderConditionChecks(),
    RemovableNotPresent(),
)
