"""Forward time of chapter 3's reference LSTM, GRU and RNN against torch's fused layers, by
sequence length, on this machine's CPU.

The reference classes come from the lesson (course/03_recurrent.md, its setup, helper and
solution cells; see conv_layers.py). Both layers hold the same weights and are checked to agree
before they are timed. Reports the median of --repeat timed forward passes (after one warm-up)
in float32 with torch's default number of threads, the ratio reference / torch, and how each
time grows from one length to the next (2.0 means it doubles when the length doubles).
Usage: .venv/bin/python bench/recurrent_layers.py [--repeat 3] [--batch 8] [--hidden 64]
"""

import argparse
from pathlib import Path

import torch
from conv_layers import lesson_layers, median_time
from torch import nn

LESSON = Path(__file__).resolve().parent.parent / "course" / "03_recurrent.md"
DEFINES = ("import codecs", "def affine")  # the setup cell and the helper cell
LENGTHS = (32, 64, 128, 256, 512)


def pairs(ns, hidden, layers):
    """(name, reference layer, torch layer) with the same weights."""
    made = []
    for name in ("LSTM", "GRU", "RNN"):
        ref = getattr(nn, name)(hidden, hidden, num_layers=layers)
        mine = ns[name](hidden, hidden, num_layers=layers)
        mine.load_state_dict(ref.state_dict())
        made.append((f"{name} {hidden}→{hidden} ×{layers}", mine, ref))
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8, help="batch size (the seed uses 8)")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    ns = lesson_layers(LESSON, DEFINES)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, "
        f"batch {args.batch}, median of {args.repeat}"
    )
    print(f"{'layer':18s} {'L':>5s} {'reference ms':>13s} {'torch ms':>9s} {'ratio':>6s} "
          f"{'growth ref':>10s} {'growth torch':>12s}")  # fmt: skip
    for name, mine, ref in pairs(ns, args.hidden, args.layers):
        previous = None
        for length in LENGTHS:
            x = torch.randn(length, args.batch, args.hidden)
            with torch.no_grad():
                torch.testing.assert_close(mine(x), ref(x), rtol=1e-4, atol=1e-4)
            t_mine, t_ref = median_time(mine, x, args.repeat), median_time(ref, x, args.repeat)
            growth = (
                f"{t_mine / previous[0]:10.2f} {t_ref / previous[1]:12.2f}"
                if previous
                else f"{'':10s} {'':12s}"
            )
            print(
                f"{name:18s} {length:5d} {1e3 * t_mine:13.2f} {1e3 * t_ref:9.2f} "
                f"{t_mine / t_ref:6.1f} {growth}"
            )
            previous = (t_mine, t_ref)


if __name__ == "__main__":
    main()
