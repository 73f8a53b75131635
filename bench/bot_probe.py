"""Development probes for the bot's languages: classify hand-written probe messages and list the misses.

The probes (bench/data/bot_probes/probe_<lang>.jsonl) are development data, written separately from
both the training examples and the held-out sets; unlike the held-out sets, their misses may be read
and used to decide which kinds of training examples are missing. Never add a probe itself to training.

    .venv/bin/python bench/bot_probe.py                 # every probe file
    .venv/bin/python bench/bot_probe.py pt-BR pt-PT     # only these languages
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trustdesk.bot.classifier import train
from trustdesk.bot.examples import load_examples, shipped_examples
from trustdesk.bot.intents import Intent

PROBES = Path(__file__).parent / "data" / "bot_probes"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("langs", nargs="*", help="languages to probe (default: every probe file)")
    args = parser.parse_args()
    model = train(shipped_examples())
    for path in sorted(PROBES.glob("probe_*.jsonl")):
        lang = path.stem.removeprefix("probe_")
        if args.langs and lang not in args.langs:
            continue
        examples = load_examples(path)
        predictions = model.classify_many([e.text for e in examples])
        right = sum(p.intent is e.intent for e, p in zip(examples, predictions, strict=True))
        oos = [(e, p) for e, p in zip(examples, predictions, strict=True) if e.intent is Intent.OUT_OF_SCOPE]
        oos_right = sum(p.intent is Intent.OUT_OF_SCOPE for _, p in oos)
        print(
            f"{lang}: accuracy {right / len(examples):.3f} ({right}/{len(examples)}), "
            f"out_of_scope recall {oos_right}/{len(oos)}"
        )
        for e, p in zip(examples, predictions, strict=True):
            if p.intent is not e.intent:
                print(
                    f"  {e.intent.value} -> {p.intent.value} "
                    f"(p={p.best_probability:.2f} sim={p.similarity:.2f}): {e.text}"
                )


if __name__ == "__main__":
    main()
