"""Chapter 4's reference attention against torch's, by sequence length, and the key/value cache's
speed-up in generation, on this machine's CPU.

The reference code comes from the lesson (course/04_transformer.md, its setup and solution cells;
see conv_layers.py); each pair is checked to agree before it is timed. Reports medians of
--repeat timed runs (after one warm-up) in float32 with torch's default number of threads:

- attention: forward time of the reference ``scaled_dot_product_attention`` and of
  ``F.scaled_dot_product_attention`` (causal; batch 4, 4 heads of 16 features), their ratio, how
  the time grows per doubling of the length (4.0 is n²), and the memory autograd saves for the
  backward pass;
- layers: forward time of the reference MultiheadAttention and TransformerEncoderLayer against
  torch's (in eval mode without autograd, where torch's encoder layer takes its fused fast path);
- generation: greedy tokens per second of an untrained TinyGPT, recomputing the prefix at every
  step and with its cache, and their ratio (the two must produce the same tokens).
Usage: .venv/bin/python bench/transformer.py [--repeat 3] [--tokens 200]
"""

import argparse
import functools
import statistics
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from conv_layers import lesson_layers
from torch import nn

LESSON = Path(__file__).resolve().parent.parent / "course" / "04_transformer.md"
DEFINES = ("import codecs",)  # the setup cell
LENGTHS = (128, 256, 512, 1024, 2048)


def median_ms(run, repeat):
    """Median wall time of ``run()`` in milliseconds, after one warm-up, without autograd."""
    with torch.no_grad():
        run()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def saved_mib(run):
    """MiB of the tensors autograd saves for the backward pass of ``run()``."""
    total = 0

    def pack(tensor):
        nonlocal total
        total += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run()
    return total / 2**20


def attention(ns, repeat):
    columns = ("reference ms", 13), ("torch ms", 9), ("ratio", 6), ("growth ref", 10)
    columns += ("growth torch", 12), ("saved MiB ref", 13), ("torch", 6)
    print(f"{'attention':10s} {'n':>5s} " + " ".join(f"{c:>{w}s}" for c, w in columns))
    previous = None
    for n in LENGTHS:
        q, k, v = (torch.randn(4, 4, n, 16, requires_grad=True) for _ in range(3))
        mine = functools.partial(ns["scaled_dot_product_attention"], q, k, v, is_causal=True)
        ref = functools.partial(F.scaled_dot_product_attention, q, k, v, is_causal=True)
        with torch.no_grad():
            torch.testing.assert_close(mine(), ref(), rtol=1e-4, atol=1e-5)
        times = median_ms(mine, repeat), median_ms(ref, repeat)
        growth = (
            f"{times[0] / previous[0]:10.2f} {times[1] / previous[1]:12.2f}"
            if previous
            else f"{'':10s} {'':12s}"
        )
        print(
            f"{'causal':10s} {n:5d} {times[0]:13.2f} {times[1]:9.2f} "
            f"{times[0] / times[1]:6.1f} {growth} {saved_mib(mine):13.1f} "
            f"{saved_mib(ref):6.1f}"
        )
        previous = times


def layers(ns, repeat, length=256):
    print(
        f"\n{'layer (batch 8, n = 256, d = 64)':36s} {'reference ms':>13s} {'torch ms':>9s} "
        f"{'ratio':>6s}"
    )
    pairs = [
        ("MultiheadAttention, 4 heads", "MultiheadAttention", nn.MultiheadAttention, (64, 4)),
        (
            "TransformerEncoderLayer, fast path",
            "TransformerEncoderLayer",
            nn.TransformerEncoderLayer,
            (64, 4, 128, 0.0),
        ),
    ]
    x = torch.randn(8, length, 64)
    for label, name, torch_class, args in pairs:
        ref = torch_class(*args, batch_first=True).eval()
        mine = ns[name](*args, batch_first=True).eval()
        mine.load_state_dict(ref.state_dict())
        if name == "MultiheadAttention":
            run_mine, run_ref = (lambda m=m: m(x, x, x)[0] for m in (mine, ref))
        else:
            run_mine, run_ref = (lambda m=m: m(x) for m in (mine, ref))
        with torch.no_grad():
            torch.testing.assert_close(run_mine(), run_ref(), rtol=1e-4, atol=1e-5)
        t_mine, t_ref = median_ms(run_mine, repeat), median_ms(run_ref, repeat)
        print(f"{label:36s} {t_mine:13.2f} {t_ref:9.2f} {t_mine / t_ref:6.1f}")


def generate(model, prompt, tokens, cached):
    """Greedy continuation of ``prompt`` (1, P) by ``tokens`` tokens."""
    idx = prompt
    with torch.no_grad():
        if cached:
            logits, cache = model.step(idx)
        for _ in range(tokens):
            if not cached:
                logits = model(idx)
            next_token = logits[:, -1].argmax(dim=-1, keepdim=True)
            idx = torch.cat([idx, next_token], dim=1)
            if cached:
                logits, cache = model.step(next_token, cache)
    return idx


def generation(ns, repeat, tokens):
    torch.manual_seed(0)
    model = ns["TinyGPT"](64, d_model=64, dim_feedforward=128, max_len=tokens + 16).eval()
    prompt = torch.randint(0, 64, (1, 12))
    same = torch.equal(
        generate(model, prompt, tokens, False), generate(model, prompt, tokens, True)
    )
    assert same, "the cache changed the tokens"
    speeds = {}
    for cached in (False, True):
        run = functools.partial(generate, model, prompt, tokens, cached)
        speeds[cached] = 1000 * tokens / median_ms(run, repeat)
    print(
        f"\ngeneration: TinyGPT (d_model 64, 2 layers), {tokens} greedy tokens after 12, "
        f"same tokens both ways"
    )
    print(f"recomputing the prefix: {speeds[False]:7.0f} tokens/s")
    ratio = speeds[True] / speeds[False]
    print(f"key/value cache:        {speeds[True]:7.0f} tokens/s ({ratio:.1f}×)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    torch.manual_seed(0)
    ns = lesson_layers(LESSON, DEFINES)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, "
        f"median of {args.repeat}"
    )
    attention(ns, args.repeat)
    layers(ns, args.repeat)
    generation(ns, args.repeat, args.tokens)


if __name__ == "__main__":
    main()
