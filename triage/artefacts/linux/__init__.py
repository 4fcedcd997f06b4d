"""Linux desktop activity: shell histories, recently used files, the Zeitgeist activity log."""
