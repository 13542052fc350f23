"""Pluggable concerns of a country API, each a folder with a Protocol and its providers."""
