"""Parse 10,000 SMS (real samples and garbage) with the Lesotho and Benin parser chains.

`uv run python -m bench.parse_sms [--messages N] [--rounds R]`. Prints the chains' rate beside a
floor: one compiled regular expression's `findall` over the same texts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable

from country_api.plugins.payments.chain import parse_with, parsers_for_country
from country_api.plugins.payments.protocol import ParsedPayment, PaymentParser, Rejection
from country_api.plugins.payments.templates import TemplateParser, compile_template
from gridcare.core.countries import load_country
from gridcare.core.data import SMS_SAMPLES_DIR

SMS_DIR = SMS_SAMPLES_DIR
GARBAGE_WORDS = [
    *("ok", "thanks", "see", "you", "tomorrow", "ke", "a", "leboha", "motlakase", "ha", "o"),
    *("sebetse", "bonjour", "merci", "svp", "Airtime", "bundle", "promo", "Dial", "*111#"),
    *("win", "1GB", "for", "M10", "Solde:", "5", "000", "FCFA", "Frais", "50F", "balance"),
    *("0123", "mak"),
]


def samples(filename: str) -> list[tuple[str, str]]:
    data = json.loads((SMS_DIR / filename).read_text(encoding="utf-8"))
    pairs = []
    for sample in data["samples"]:
        contents = sample["content"] if isinstance(sample["content"], list) else [sample["content"]]
        pairs += [(sample.get("sender", ""), content) for content in contents]
    return pairs


def garbage(rng: random.Random) -> tuple[str, str]:
    words = [
        rng.choice(GARBAGE_WORDS) if rng.random() < 0.7 else str(rng.randint(0, 99_999))
        for _ in range(rng.randint(1, 30))
    ]
    return rng.choice(["", "+26650000001", "MTN MoMo", "199", "MPESA"]), " ".join(words)


def workload(real: list[tuple[str, str]], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Half real samples, half garbage, shuffled."""
    messages = [real[i % len(real)] for i in range(count // 2)]
    messages += [garbage(rng) for _ in range(count - len(messages))]
    rng.shuffle(messages)
    return messages


def benin_templates() -> list[PaymentParser]:
    data = json.loads((SMS_DIR / "bn_inbound_samples.json").read_text(encoding="utf-8"))
    templates: list[PaymentParser] = []
    for sample in data["samples"]:
        if "operator_template" in sample:
            text = sample["operator_template"]
            provider = sample["sender"].lower()
            compiled = compile_template(text, require_txn_id="{txn_id}" in text)
            templates.append(
                TemplateParser(
                    name=f"template:{provider}",
                    provider=provider,
                    currency="XOF",
                    template=compiled,
                    country="BN",
                )
            )
    return templates


def best_of(rounds: int, run: Callable[[], object]) -> tuple[float, float]:
    """Least wall-clock and CPU seconds over the rounds (CPU time shows the code's own cost
    when other processes share the machine)."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--messages", type=int, default=10_000)
    arguments.add_argument("--rounds", type=int, default=5)
    options = arguments.parse_args()

    rng = random.Random(2026)
    half = options.messages // 2
    ls_chain = parsers_for_country(load_country("LS"))
    bn_chain = [*benin_templates(), *parsers_for_country(load_country("BN"))]
    jobs = [
        (ls_chain, workload(samples("ls_inbound_samples.json"), half, rng)),
        (bn_chain, workload(samples("bn_inbound_samples.json"), options.messages - half, rng)),
    ]
    texts = [body for _, messages in jobs for _, body in messages]

    outcomes: Counter[str] = Counter()

    def parse_all() -> None:
        outcomes.clear()
        for chain, messages in jobs:
            for sender, body in messages:
                result = parse_with(chain, sender=sender, body=body).result
                outcome = (
                    "payment" if isinstance(result, ParsedPayment)
                    else "rejected" if isinstance(result, Rejection)
                    else "unparsed"
                )  # fmt: skip
                outcomes[outcome] += 1

    floor = re.compile(r"(?<!\d)\d{1,3}(?:[ .,]\d{3})*(?:[.,]\d{1,2})?(?!\d)")
    chains, chains_cpu = best_of(options.rounds, parse_all)
    baseline, baseline_cpu = best_of(
        options.rounds, lambda: [floor.findall(text) for text in texts]
    )
    count = len(texts)
    print(f"{count} messages, best of {options.rounds} rounds")
    print(f"{'':32}{'wall':>10}{'cpu':>10}{'msgs/s':>10}")
    for label, wall, cpu in [
        ("LS + BN parser chains", chains, chains_cpu),
        ("baseline: one regex findall", baseline, baseline_cpu),
    ]:
        print(f"{label:32}{wall * 1000:>8.1f}ms{cpu * 1000:>8.1f}ms{count / wall:>10,.0f}")
    ratio = chains / baseline
    print(f"chains / baseline: {ratio:.1f}x; outcomes: {dict(sorted(outcomes.items()))}")


if __name__ == "__main__":
    main()
