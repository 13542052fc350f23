"""Password hashing with argon2id (argon2-cffi's current defaults).

Hashes carry their own parameters; `needs_rehash` tells when a stored hash was made with older
(weaker) ones so the next successful log-in can replace it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only spends the same time")


def hash_password(password: str, *, hasher: PasswordHasher | None = None) -> str:
    return (hasher or _hasher).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def spend_verification_time(password: str) -> None:
    """Verify against a throw-away hash so an unknown username costs as much as a wrong password."""
    verify_password(_DUMMY_HASH, password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return bool(_hasher.check_needs_rehash(password_hash))
    except InvalidHashError:
        return True
