"""Cloud storage clients: the accounts and sync folders they keep on the device."""
