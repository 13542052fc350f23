from tests.country_api.analytics.factories import ls_engine

__all__ = ["ls_engine"]
