import threading

from sqlalchemy import Engine
from sqlmodel import Session, select

from country_api.customers.models import Account
from country_api.customers.service import Registration, format_account_number
from tests.country_api.customers.factories import ls_engine, register

__all__ = ["ls_engine"]


def test_account_numbers_are_four_digits_then_the_upper_case_site() -> None:
    assert format_account_number(45, "mak") == "0045MAK"
    assert format_account_number(12345, "SHG") == "12345SHG"


def test_concurrent_registrations_get_distinct_consecutive_numbers(ls_engine: Engine) -> None:
    register(ls_engine, site_code="SHG")  # another site's sequence does not interfere
    results: list[Registration] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def one_registration(index: int) -> None:
        try:
            start.wait()
            results.append(register(ls_engine, first_name=f"Customer{index}", phone=None))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one_registration, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(r.account.account_number for r in results)
    assert numbers == [f"{n:04d}MAK" for n in range(1, 21)]
    with Session(ls_engine) as session:
        stored = session.exec(select(Account.account_number).where(Account.site_code == "MAK"))
        assert sorted(stored) == numbers
        assert register(ls_engine, site_code="shg").account.account_number == "0002SHG"
