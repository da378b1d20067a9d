"""Forward time of chapter 2's reference layers against their torch ops, on this machine's CPU.

The reference classes come from the lesson itself: course/02_convolutions.md is read with
jupytext and its setup and solution cells are run into one namespace (the solution markers are
comments, so nothing is stripped). Reports the median of --repeat timed calls (after one warm-up
call) in float32 with torch's default number of threads, and the ratio reference / torch.
Usage: .venv/bin/python bench/conv_layers.py [--repeat 3] [--batch 8]
"""

import argparse
import contextlib
import io
import statistics
import time
from pathlib import Path

import jupytext
import torch
from torch import nn

LESSON = Path(__file__).resolve().parent.parent / "course" / "02_convolutions.md"
DEFINES = ("import math", "def ntuple")  # the setup cell and the helpers cell


def lesson_layers(lesson=LESSON, defines=DEFINES):
    """Namespace with a lesson's helpers (the code cells starting with one of ``defines``) and
    reference solutions: no figures, no tests."""
    namespace = {"__name__": "lesson"}
    for cell in jupytext.read(lesson).cells:
        source = cell.source
        wanted = cell.metadata.get("solution") or any(source.startswith(d) for d in defines)
        if cell.cell_type == "code" and wanted:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"<{lesson.name}>", "exec"), namespace)
    return namespace


def median_time(layer, x, repeat):
    with torch.no_grad():
        layer(x)  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            layer(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def cases(ns, batch):
    """(name, input shape, reference layer, torch layer), with the same weights where any."""
    conv = nn.Conv2d(64, 64, 3, padding=1)
    mine_conv = ns["Conv2d"](64, 64, 3, padding=1)
    mine_conv.load_state_dict(conv.state_dict())
    convt = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
    mine_convt = ns["ConvTranspose2d"](32, 16, 3, stride=2, padding=1, output_padding=1)
    mine_convt.load_state_dict(convt.state_dict())
    return [
        ("Conv2d 64→64 3×3", (batch, 64, 128, 128), mine_conv, conv),
        ("ConvTranspose2d 32→16 s2", (batch, 32, 64, 64), mine_convt, convt),
        (
            "MaxPool2d 3 s2 p1",
            (batch, 64, 128, 128),
            ns["MaxPool2d"](3, 2, 1),
            nn.MaxPool2d(3, 2, 1),
        ),
        (
            "AvgPool2d 3 s2 p1",
            (batch, 64, 128, 128),
            ns["AvgPool2d"](3, 2, 1),
            nn.AvgPool2d(3, 2, 1),
        ),
        (
            "AdaptiveAvgPool2d 7",
            (batch, 64, 128, 128),
            ns["AdaptiveAvgPool2d"](7),
            nn.AdaptiveAvgPool2d(7),
        ),
        (
            "Upsample bilinear ×2",
            (batch, 64, 64, 64),
            ns["Upsample"](scale_factor=2, mode="bilinear"),
            nn.Upsample(scale_factor=2, mode="bilinear"),
        ),
        ("Unfold 3 p1", (batch, 16, 64, 64), ns["Unfold"](3, padding=1), nn.Unfold(3, padding=1)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8, help="batch size (the seed uses 8)")
    args = parser.parse_args()
    torch.manual_seed(0)
    ns = lesson_layers()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, "
        f"median of {args.repeat}"
    )
    print(f"{'layer':28s} {'input':>20s} {'reference ms':>13s} {'torch ms':>9s} {'ratio':>6s}")
    for name, shape, mine, ref in cases(ns, args.batch):
        x = torch.randn(shape)
        with torch.no_grad():
            torch.testing.assert_close(mine(x), ref(x), rtol=1e-4, atol=1e-4)
        t_mine, t_ref = median_time(mine, x, args.repeat), median_time(ref, x, args.repeat)
        size = "×".join(map(str, shape))
        print(
            f"{name:28s} {size:>20s} {1e3 * t_mine:13.1f} {1e3 * t_ref:9.1f} {t_mine / t_ref:6.1f}"
        )


if __name__ == "__main__":
    main()
