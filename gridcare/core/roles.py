"""Staff roles and what each may do: the permission matrix both services enforce.

| permission          | superadmin | regional_manager | finance | onm | customer_care | viewer |
|---------------------|:----------:|:----------------:|:-------:|:---:|:-------------:|:------:|
| read (any country data) |   yes    |       yes        |   yes   | yes |      yes      |  yes   |
| customers.write     |    yes     |                  |         | yes |      yes      |        |
| meters.write        |    yes     |                  |         | yes |               |        |
| readings.write      |    yes     |                  |         | yes |               |        |
| payments.write      |    yes     |                  |   yes   |     |               |        |
| sms.allocate        |    yes     |                  |   yes   |     |      yes      |        |
| tariffs.write       |    yes     |                  |   yes   |     |               |        |
| sites.write         |    yes     |                  |         |     |               |        |
| mutations.revert    |    yes     |                  |         |     |               |        |
| global.read         |    yes     |       yes        |         |     |               |        |

Roles are granted per country: `{"LS": "finance", "BN": "viewer"}`. A token carries the role
of the one country chosen at login.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SUPERADMIN = "superadmin"
    REGIONAL_MANAGER = "regional_manager"
    FINANCE = "finance"
    ONM = "onm"
    CUSTOMER_CARE = "customer_care"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"
    CUSTOMERS_WRITE = "customers.write"
    METERS_WRITE = "meters.write"
    READINGS_WRITE = "readings.write"
    PAYMENTS_WRITE = "payments.write"
    SMS_ALLOCATE = "sms.allocate"
    TARIFFS_WRITE = "tariffs.write"
    SITES_WRITE = "sites.write"
    MUTATIONS_REVERT = "mutations.revert"
    GLOBAL_READ = "global.read"


_GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.READ: frozenset(Role),
    Permission.CUSTOMERS_WRITE: frozenset({Role.SUPERADMIN, Role.ONM, Role.CUSTOMER_CARE}),
    Permission.METERS_WRITE: frozenset({Role.SUPERADMIN, Role.ONM}),
    Permission.READINGS_WRITE: frozenset({Role.SUPERADMIN, Role.ONM}),
    Permission.PAYMENTS_WRITE: frozenset({Role.SUPERADMIN, Role.FINANCE}),
    Permission.SMS_ALLOCATE: frozenset({Role.SUPERADMIN, Role.FINANCE, Role.CUSTOMER_CARE}),
    Permission.TARIFFS_WRITE: frozenset({Role.SUPERADMIN, Role.FINANCE}),
    Permission.SITES_WRITE: frozenset({Role.SUPERADMIN}),
    Permission.MUTATIONS_REVERT: frozenset({Role.SUPERADMIN}),
    Permission.GLOBAL_READ: frozenset({Role.SUPERADMIN, Role.REGIONAL_MANAGER}),
}


def allows(role: Role | str, permission: Permission) -> bool:
    return Role(role) in _GRANTS[permission]


def roles_with(permission: Permission) -> list[Role]:
    return [role for role in Role if role in _GRANTS[permission]]
