"""Payment parsers: one module per mobile-money format, found by name (see `protocol.py`)."""
