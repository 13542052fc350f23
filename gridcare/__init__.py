"""GridCare: shared pieces used by every service and by the `gridcare` command line."""
