"""Messaging applications: who the user talked to, what was sent, and files transferred."""
