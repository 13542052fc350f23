"""Monthly average FX rates to USD: providers (shipped file, HTTP service) and their storage."""
