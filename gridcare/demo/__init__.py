"""`gridcare demo`: the whole platform on one machine with realistic, deterministic demo data.

- `run`: orchestration (database, migrations, seed, admin, services, supervision).
- `databases`, `credentials`, `admin`: the database server, the demo's secrets, the admin user.
- `seed`, `customers`, `meters`, `names`, `bulk`: the demo data; `steps`: where other domains
  (payments, consumption, …) add their own seed steps.
- `services`, `summary`: the child processes and what is printed once they answer.
"""
