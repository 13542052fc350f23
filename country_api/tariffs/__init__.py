"""Tariffs: currency per kWh, country default with site and customer overrides."""
