"""Wiring: configuration, the command line, and one adapter per chat channel."""
