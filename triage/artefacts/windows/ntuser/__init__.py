"""Per-user activity keys of NTUSER.DAT and UsrClass.dat, one module per key family.

Each module has a ``records(hive, source, user)`` generator; ``user_activity.UserActivity``
opens the hive once and runs them one by one, so one damaged key family costs that family.
"""
