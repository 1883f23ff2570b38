#!/usr/bin/env python3
"""Loads what `rltrain export RUN --format safetensors` wrote and reproduces
rltrain's logits in numpy: the safetensors file read by hand (an 8-byte
little-endian header length, a JSON header, raw Float32 data), the GPT-style
forward pass written out (pre-norm blocks, causal multi-head attention, GELU
with the tanh approximation, untied head), compared with check.json.

    python3 Benchmarks/language-model/check_export.py RUN/export [--tolerance 1e-4]

Prints the largest absolute difference; exits 1 if it exceeds the tolerance.
"""
import argparse, json, os, struct, sys

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"]).astype(np.float64)
    return tensors


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def forward(w, config, tokens):
    n, d, heads = len(tokens), config["n_embd"], config["n_head"]
    eps = config["layer_norm_epsilon"]
    x = w["wte"][tokens] + w["wpe"][np.arange(n)]
    causal = np.tril(np.ones((n, n), dtype=bool))
    for l in range(config["n_layer"]):
        p = f"h.{l}."
        h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        hs = d // heads
        y = np.zeros((n, d))
        for head in range(heads):
            s = slice(head * hs, (head + 1) * hs)
            scores = q[:, s] @ k[:, s].T / np.sqrt(hs)
            scores = np.where(causal, scores, -np.inf)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            y[:, s] = (scores / scores.sum(axis=-1, keepdims=True)) @ v[:, s]
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        x = x + gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    return layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps) @ w["lm_head.weight"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    with open(os.path.join(args.directory, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(args.directory, "check.json")) as f:
        check = json.load(f)
    weights = load_safetensors(os.path.join(args.directory, "model.safetensors"))
    logits = forward(weights, config, np.array(check["tokens"]))
    difference = float(np.abs(logits - np.array(check["logits"])).max())
    vocabulary = config["vocabulary"]
    print(f"{''.join(vocabulary[t] for t in check['tokens'])}: {len(check['tokens'])} tokens × {config['vocab_size']} logits, "
          f"largest difference from rltrain's {difference:.2e} (tolerance {args.tolerance:g})")
    return 0 if difference <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
