#!/usr/bin/env python3
"""PyTorch twin of rltrain's language-model policy (`--policy transformer`),
timed on the work `lm-benchmark --write-data FILE` wrote, so the two compare
token for token. Written as a PyTorch user would write it (nanoGPT's layout,
eager mode, fused QKV, `scaled_dot_product_attention`, a KV cache):

- the model: learned token and position embeddings, pre-LayerNorm blocks
  (causal multi-head attention, a 4d GELU-tanh MLP), a final LayerNorm, an
  untied bias-free head; GPT-2's initialisation (normal 0.02, the residual
  projections 0.02/sqrt(2L)); LayerNorm eps 1e-5;
- sft: forward on the batch right-padded to its longest sequence, the mean
  cross-entropy over completion tokens, backward, global-norm clipping at 1,
  Adam (betas 0.9, 0.99, eps 1e-8) — the batches lm-benchmark used, in order;
- sample: the 256 prompts left-padded, prefilled, then 24 tokens each at
  temperature 1 through the KV cache, each token's log-probability kept (as
  rltrain keeps it for the update);
- grpo: Dr. GRPO steps of 32 prompts x 8 completions: sample as above, score
  (the stand-in parity reward), advantages r - mean(r) per group, groups
  without a signal left out, 2 passes of the clipped surrogate summed over
  tokens / N, clipping, Adam at 5e-5.

    python3 Benchmarks/peers/lm_twin.py --data FILE --d-model 64 --layers 3 --heads 4 --threads 1 [--seconds 3]
    python3 Benchmarks/peers/lm_twin.py --check RUN/export

Prints one JSON object with the same keys as lm-benchmark (tokens counted
the same way: real tokens, padding excluded). `--check` instead loads what
`rltrain export RUN --format safetensors` wrote into the twin and compares
its logits, from the full forward pass and from the KV-cache path, with
rltrain's (check.json): that the twin is the same network.
"""
import argparse, json, math, statistics, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, layers):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.qkv = nn.Linear(d, 3 * d)
        self.projection = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        self.expand = nn.Linear(d, 4 * d)
        self.contract = nn.Linear(4 * d, d)
        for linear in (self.qkv, self.expand):
            nn.init.normal_(linear.weight, std=0.02)
            nn.init.zeros_(linear.bias)
        for linear in (self.projection, self.contract):
            nn.init.normal_(linear.weight, std=0.02 / math.sqrt(2 * layers))
            nn.init.zeros_(linear.bias)

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, x, mask=None, cache=None, at=None):
        """x [B, T, d]. Without `mask`, attention is causal. With
        `cache` (k, v of [B, H, context, hd]) the new keys and values are
        written at positions at..at+T and attention reads 0..at+T."""
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=2)
        q, k, v = self.split(q), self.split(k), self.split(v)
        if cache is not None:
            keys, values = cache
            keys[:, :, at:at + t] = k
            values[:, :, at:at + t] = v
            k, v = keys[:, :, :at + t], values[:, :, :at + t]
        if mask is not None:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        elif t == k.shape[2]:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # one new token sees every cached key (is_causal would align it with the first)
            assert t == 1, "without a mask, a cached step takes one token"
            y = F.scaled_dot_product_attention(q, k, v)
        x = x + self.projection(y.transpose(1, 2).reshape(b, t, d))
        return x + self.contract(F.gelu(self.expand(self.norm2(x)), approximate="tanh"))


class Transformer(nn.Module):
    def __init__(self, vocabulary, context, layers, d, heads):
        super().__init__()
        self.token = nn.Embedding(vocabulary, d)
        self.position = nn.Embedding(context, d)
        nn.init.normal_(self.token.weight, std=0.02)
        nn.init.normal_(self.position.weight, std=0.02)
        self.blocks = nn.ModuleList(Block(d, heads, layers) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d, eps=1e-5)
        self.head = nn.Linear(d, vocabulary, bias=False)
        nn.init.normal_(self.head.weight, std=0.02)

    def forward(self, tokens, positions, mask=None, caches=None, at=None):
        x = self.token(tokens) + self.position(positions)
        for i, block in enumerate(self.blocks):
            x = block(x, mask, None if caches is None else caches[i], at)
        return self.head(self.final_norm(x))


def right_padded(sequences, pad):
    longest = max(len(s) for s in sequences)
    return torch.tensor([s + [pad] * (longest - len(s)) for s in sequences])


def sft_step(model, optimizer, batch, pad):
    sequences = [e["prompt"] + e["completion"] for e in batch]
    tokens = right_padded(sequences, pad)
    positions = torch.arange(tokens.shape[1]).expand_as(tokens)
    # Row t predicts token t + 1; only completion tokens count.
    targets = torch.full_like(tokens, -100)
    for i, e in enumerate(batch):
        p, n = len(e["prompt"]), len(e["prompt"]) + len(e["completion"])
        targets[i, p - 1:n - 1] = tokens[i, p:n]
    logits = model(tokens, positions)
    loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-100)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return sum(len(s) for s in sequences)


@torch.no_grad()
def sample(model, prompts, new_tokens, pad, context, generator):
    """Left-padded prompts, prefill, then `new_tokens` tokens per row at
    temperature 1 with a KV cache; returns tokens and log-probabilities."""
    b, longest = len(prompts), max(len(p) for p in prompts)
    padding = torch.tensor([longest - len(p) for p in prompts])
    tokens = torch.tensor([[pad] * (longest - len(p)) + p for p in prompts])
    total = longest + new_tokens
    # keys[i, j] is visible from row i's position once j is not padding.
    visible = torch.arange(total)[None, :] >= padding[:, None]
    first = model.blocks[0]
    d = model.token.weight.shape[1]
    caches = [(torch.empty(b, first.heads, total, d // first.heads), torch.empty(b, first.heads, total, d // first.heads))
              for _ in model.blocks]
    positions = (torch.arange(longest)[None, :] - padding[:, None]).clamp(min=0)
    causal = torch.ones(longest, longest, dtype=torch.bool).tril()
    mask = (causal[None] & visible[:, None, :longest])[:, None]
    logits = model(tokens, positions, mask, caches, 0)[:, -1]
    out, log_probabilities = [], []
    for step in range(new_tokens):
        log_p = torch.log_softmax(logits, dim=-1)
        token = torch.multinomial(log_p.exp(), 1, generator=generator)
        out.append(token)
        log_probabilities.append(log_p.gather(1, token))
        if step == new_tokens - 1:
            break
        at = longest + step
        position = (at - padding)[:, None]
        mask = visible[:, None, None, :at + 1]
        logits = model(token, position, mask, caches, at)[:, -1]
    return torch.cat(out, 1), torch.cat(log_probabilities, 1)


def grpo_step(model, optimizer, prompts, group_size, new_tokens, pad, context, generator, clip=0.2, epochs=2):
    start = time.perf_counter()
    completions, old_log_probabilities = sample(model, prompts, new_tokens, pad, context, generator)
    scored = time.perf_counter()
    rewards = (1 - completions.sum(1) % 2).float()
    advantages = (rewards.view(-1, group_size) - rewards.view(-1, group_size).mean(1, keepdim=True)).view(-1)
    updating = time.perf_counter()
    signal = (advantages.view(-1, group_size) != 0).any(1).repeat_interleave(group_size)
    kept = signal.nonzero().flatten().tolist()
    n = len(prompts)
    if kept:
        sequences = [prompts[i] + completions[i].tolist() for i in kept]
        tokens = right_padded(sequences, pad)
        positions = torch.arange(tokens.shape[1]).expand_as(tokens)
        # Completion token t of row i sits at position len(prompt) + t, predicted by the row before it.
        rows = torch.tensor([len(prompts[i]) - 1 for i in kept])[:, None] + torch.arange(new_tokens)[None, :]
        old = old_log_probabilities[kept]
        advantage = advantages[kept][:, None]
        targets = completions[kept]
        for _ in range(epochs):
            logits = model(tokens, positions)
            log_p = torch.log_softmax(logits.gather(1, rows[:, :, None].expand(-1, -1, logits.shape[-1])), -1)
            log_p = log_p.gather(2, targets[:, :, None]).squeeze(2)
            ratio = torch.exp(log_p - old)
            surrogate = torch.min(ratio * advantage, ratio.clamp(1 - clip, 1 + clip) * advantage)
            loss = -surrogate.sum() / n
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
    end = time.perf_counter()
    return scored - start, updating - scored, end - updating, len(kept) / n


def gemm_gflops(n=1024):
    a, b = torch.full((n, n), 0.5), torch.full((n, n), 0.25)
    times = []
    for _ in range(6):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / statistics.median(times[1:]) / 1e9


def check(directory, tolerance=1e-4):
    """The twin on an exported rltrain model: the largest logit difference
    from rltrain's, through the full forward pass and through prefill and
    one-token decode steps; exits 1 above `tolerance`."""
    import os
    import numpy as np
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "language-model"))
    from check_export import load_safetensors
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(directory, "check.json")) as f:
        reference = json.load(f)
    expected, tokens = np.array(reference["logits"]), reference["tokens"]
    w = {k: torch.tensor(v, dtype=torch.float32) for k, v in load_safetensors(os.path.join(directory, "model.safetensors")).items()}
    model = Transformer(config["vocab_size"], config["n_positions"], config["n_layer"], config["n_embd"], config["n_head"])
    with torch.no_grad():
        model.token.weight.copy_(w["wte"])
        model.position.weight.copy_(w["wpe"])
        for l, block in enumerate(model.blocks):
            p = f"h.{l}."
            for module, name in ((block.norm1, "ln_1"), (block.norm2, "ln_2")):
                module.weight.copy_(w[p + name + ".weight"])
                module.bias.copy_(w[p + name + ".bias"])
            for module, name in ((block.qkv, "attn.c_attn"), (block.projection, "attn.c_proj"),
                                 (block.expand, "mlp.c_fc"), (block.contract, "mlp.c_proj")):
                module.weight.copy_(w[p + name + ".weight"].T)  # GPT-2's Conv1D stores [in, out]
                module.bias.copy_(w[p + name + ".bias"])
        model.final_norm.weight.copy_(w["ln_f.weight"])
        model.final_norm.bias.copy_(w["ln_f.bias"])
        model.head.weight.copy_(w["lm_head.weight"].T)
        n = len(tokens)
        full = model(torch.tensor([tokens]), torch.arange(n)[None])[0].double().numpy()
        # The sampler's path: prefill half, then one token at a time through the cache.
        d, heads = config["n_embd"], config["n_head"]
        caches = [(torch.empty(1, heads, n, d // heads), torch.empty(1, heads, n, d // heads)) for _ in model.blocks]
        half = n // 2
        rows = [model(torch.tensor([tokens[:half]]), torch.arange(half)[None], None, caches, 0)[0]]
        for t in range(half, n):
            rows.append(model(torch.tensor([[tokens[t]]]), torch.tensor([[t]]), None, caches, t)[0])
        cached = torch.cat(rows).double().numpy()
    differences = [float(np.abs(full - expected).max()), float(np.abs(cached - expected).max())]
    print(f"{n} tokens x {config['vocab_size']} logits: largest difference from rltrain's {differences[0]:.2e} (forward), "
          f"{differences[1]:.2e} (KV cache); tolerance {tolerance:g}")
    return 0 if max(differences) <= tolerance else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data")
    parser.add_argument("--check", metavar="EXPORT", help="compare the twin with an exported rltrain model and exit")
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.check))
    if not args.data:
        parser.error("--data FILE (written by lm-benchmark --write-data) is required")
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    with open(args.data) as f:
        data = json.load(f)
    vocabulary, context, new_tokens = data["vocabulary_size"], data["context"], data["new_tokens"]
    pad = vocabulary - 1
    model = Transformer(vocabulary, context, args.layers, args.d_model, args.heads)
    parameters = sum(p.numel() for p in model.parameters())
    gemm = gemm_gflops()

    # SFT: two warm-up steps, then steps until the time budget is spent.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
    batches, flops = data["sft_batches"], data["sft_flops"]
    for step in range(2):
        sft_step(model, optimizer, batches[step], pad)
    tokens, work, elapsed, steps = 0, 0.0, 0.0, 0
    while elapsed < args.seconds or steps < 5:
        index = (2 + steps) % len(batches)
        start = time.perf_counter()
        tokens += sft_step(model, optimizer, batches[index], pad)
        elapsed += time.perf_counter() - start
        work += flops[index]
        steps += 1
    sft = {"sft_tokens_per_second": tokens / elapsed, "sft_gflops": work / elapsed / 1e9, "sft_steps": steps}

    # Sampling: one warm-up, then repeats until the budget is spent.
    generator = torch.Generator().manual_seed(11)
    prompts = data["prompts"]
    sample(model, prompts, new_tokens, pad, context, generator)
    times = []
    while sum(times) < args.seconds or len(times) < 3:
        start = time.perf_counter()
        sample(model, prompts, new_tokens, pad, context, generator)
        times.append(time.perf_counter() - start)

    # Whole Dr. GRPO steps: one warm-up, then 5.
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-5, betas=(0.9, 0.99), eps=1e-8)
    group_size = data["group_size"]
    group_prompts = [p for p in prompts[:data["group_prompts"]] for _ in range(group_size)]
    splits = [grpo_step(model, optimizer, group_prompts, group_size, new_tokens, pad, context, generator) for _ in range(6)][1:]
    median = statistics.median
    print(json.dumps({
        "side": "pytorch", "torch": torch.__version__, "d_model": args.d_model, "layers": args.layers,
        "heads": args.heads, "threads": args.threads, "parameters": parameters, "gemm_gflops": gemm, **sft,
        "sample_tokens_per_second": len(prompts) * new_tokens / median(times),
        "grpo_sample_seconds": median(s[0] for s in splits), "grpo_score_seconds": median(s[1] for s in splits),
        "grpo_update_seconds": median(s[2] for s in splits),
        "grpo_step_seconds": median(s[0] + s[1] + s[2] for s in splits),
        "grpo_signal_fraction": median(s[3] for s in splits),
    }, sort_keys=True))


if __name__ == "__main__":
    main()
