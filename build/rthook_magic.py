# PyInstaller runtime hook (build/triage.spec): runs before triage is imported in the executable.
# python-magic's compat module loads libmagic's *default* database at import time; point that
# default ($MAGIC) at the bundled magic.mgc so the host's database (or its absence) never matters.
import os
import sys

os.environ["MAGIC"] = os.path.join(sys._MEIPASS, "magic.mgc")
