"""`/api/global/…`: cross-country rollups in USD, fanned out to every country's analytics API."""
