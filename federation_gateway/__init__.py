"""The federation gateway: log-in, employees, the `/api/{country}/…` proxy, cross-country rollups.

Import direction (as in `country_api/__init__.py`; enforced by `make architecture`), top to
bottom, siblings `a | b` not importing each other:

1. Composition: `main`; then `observability | portal`.
2. Domains: `auth | proxy | rollups | system` (log-in uses employees; the rollups use
   employees and fx); then `employees | fx`.
3. Service kernel, importing no domain: `claims` (the caller's token); `deps`; `resources`;
   `cache | config | migrate | ratelimit`; `tokens`.

The rollups keep their own per-app state (`rollups/router.py`), so the kernel never names them.
"""
