"""Programs by jump-list AppID (the file name before ``.automaticDestinations-ms`` or
``.customDestinations-ms``): the AppID is a hash of the program's path or its explicit
application id, so it is the same on every computer for one version of a program.

Only AppIDs published in more than one place are listed: the ForensicsWiki page "List of Jump
List IDs" (2011) and Ronnie Vernon's list quoted there, plus plaso's test files (1b4dd67f29cb1962
Explorer, 9d1f905ce5044aee Internet Explorer). An unknown AppID is shown as it is. Names that
the indicator library knows (TrueCrypt, PGP, VMware Player) let a jump list show such a program
was used even after it was uninstalled.
"""

from __future__ import annotations

APP_IDS = {
    "1b4dd67f29cb1962": "Windows Explorer",
    "9d1f905ce5044aee": "Internet Explorer",
    "28c8b86deab549a1": "Internet Explorer 8",
    "918e0ecb43d17e23": "Notepad",
    "12dc1ea8e34b5a6": "Microsoft Paint 6.1",
    "adecfb853d77462a": "Microsoft Word 2007",
    "a7bd71699cd38d1c": "Microsoft Word 2010",
    "cdf30b95c55fd785": "Microsoft Excel 2007",
    "f5ac5390b9115fdb": "Microsoft PowerPoint 2007",
    "23646679aaccfae0": "Adobe Reader 9",
    "d7528034b5bd6f28": "Windows Live Mail",
    "b91050d8b077a4e8": "Windows Media Center",
    "83b03b46dcd30a0e": "iTunes 10",
    "17d3eb086439f0d7": "TrueCrypt 7.0a",
    "c71ef2c372d322d7": "PGP Desktop 10",
    "50620fe75ee0093": "VMware Player 3.1.4",
}


def app_name(app_id: str) -> str:
    """The program an AppID belongs to, or "" when it is not in the list."""
    return APP_IDS.get(app_id.lower().lstrip("0"), "")
