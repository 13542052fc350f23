from tests.country_api.payments.conftest import ls_pay

__all__ = ["ls_pay"]
