"""Run a fake platform in its own process (benchmarks), until interrupted.

    python -m tests.fakes koios --port 8201 --fail 0.3 --seed 1
    python -m tests.fakes thundercloud --after-apply --fail 0.1

Prints the URL on the first line. Every customer code exists. `GET /_fake/state` answers the
credits applied (by external id) and the repeats, to check "exactly once" from outside.
"""

from __future__ import annotations

import argparse
import threading

from tests.fakes.koios import FakeKoios
from tests.fakes.server import FakeServer
from tests.fakes.thundercloud import FakeThunderCloud


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes")
    parser.add_argument("platform", choices=["koios", "thundercloud"])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--fail", type=float, default=0.0, help="fraction of calls to fail")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--after-apply", action="store_true", help="fail after applying (the answer is lost)"
    )
    arguments = parser.parse_args()
    fake: FakeServer = FakeKoios() if arguments.platform == "koios" else FakeThunderCloud()
    fake.fail(arguments.fail, seed=arguments.seed, after_apply=arguments.after_apply)
    fake.start(arguments.port)
    print(fake.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
