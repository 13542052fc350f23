"""Meter platforms: where credits are pushed and readings fetched (see `protocol.py`)."""
