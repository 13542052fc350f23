"""The core both services stand on: country files, roles, errors, money, phones, database and
token helpers. It imports neither service (an import-linter contract says so)."""
