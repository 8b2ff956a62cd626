#!/usr/bin/python3
"""Writes the PyTorch reference fixtures of src/nn's golden test (tests/nn/fixtures/*.bin).

Run with Debian's python3-torch:  /usr/bin/python3 tools/torch_reference.py [OUTDIR]

The network is built from PyTorch's own modules (nn.Embedding, nn.Conv1d, nn.LSTM / nn.GRU /
nn.RNN, nn.Linear, F.cross_entropy), not from a re-implementation of our formulas, so the fixture
checks our math against PyTorch's.  One single-layer recurrent module per layer, so that the
dropout between layers can use fixed masks (the C test installs the same masks).

For each cell type, a tiny configuration and:
  window 1 from a zero state: loss1, logits1
  window 2 with the state carried from window 1 (hidden, cell, and the convolution's last K-1
  inputs): loss2, logits2, and every gradient (grads2)
  for each optimizer, the parameters after 3 steps, each step: zero state, window 1, backward,
  clip_grad_norm_(clip), optimizer step; norms_<opt> are the norms clip_grad_norm_ returned.

File format (little-endian): magic b"SRNNFIX1", then records until the end of the file:
  u32 name length, name (ASCII), u32 n, n float32.
Parameters and gradients are flattened in src/nn's layout (include/songrnn/nn.h): conv.weight
is PyTorch's [C][E][K] permuted to [C][K][E]; logits and masks are time-major [T][B][...].
"""
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

CELLS = {"lstm": (0, nn.LSTM), "gru": (1, nn.GRU), "rnn": (2, nn.RNN)}
V, E, C, K, L, H, B, T = 7, 5, 4, 3, 2, 6, 2, 5
DROPOUT = 0.25
CLIP = 0.22  # clips some steps and not others (norms printed below)
OPTIMIZERS = [
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01)),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.05)),
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    # weight decay: decoupled for Adam (AdamW), L2 for the others
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    ("sgd_wd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.05)),
    ("rmsprop_wd", lambda p: torch.optim.RMSprop(p, lr=0.01, weight_decay=0.05)),
]


class Net(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell = cell
        self.embed = nn.Embedding(V, E)
        self.conv = nn.Conv1d(E, C, K)
        cls = CELLS[cell][1]
        self.rnns = nn.ModuleList([cls(C if l == 0 else H, H, batch_first=True) for l in range(L)])
        self.fc = nn.Linear(H, V)

    def forward(self, x, state, masks):
        """x [B][T]; state: (hist [B][K-1][E], [per-layer state]) or None; masks [L][B][T][H]."""
        e = self.embed(x)  # [B][T][E]
        hist = state[0] if state else torch.zeros(B, K - 1, E)
        xin = torch.cat([hist, e], dim=1)  # [B][K-1+T][E]: causal, history first
        y = F.relu(self.conv(xin.transpose(1, 2))).transpose(1, 2)  # [B][T][C]
        new_state = [xin[:, xin.shape[1] - (K - 1):].detach()]
        layer_states = []
        for l, rnn in enumerate(self.rnns):
            s = state[1][l] if state else None
            y, s_out = rnn(y, s)  # [B][T][H]
            if isinstance(s_out, tuple):
                layer_states.append(tuple(t.detach() for t in s_out))
            else:
                layer_states.append(s_out.detach())
            y = y * masks[l]
        new_state.append(layer_states)
        return self.fc(y), new_state  # logits [B][T][V]

    def flat(self, grads=False):
        def g(t):
            return t.grad if grads else t.data
        parts = [g(self.embed.weight), g(self.conv.weight).permute(0, 2, 1), g(self.conv.bias)]
        for rnn in self.rnns:
            parts += [g(rnn.weight_ih_l0), g(rnn.weight_hh_l0), g(rnn.bias_ih_l0),
                      g(rnn.bias_hh_l0)]
        parts += [g(self.fc.weight), g(self.fc.bias)]
        return torch.cat([p.reshape(-1) for p in parts])


def loss_of(logits, targets):
    return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-1)


def time_major(t):  # [B][T][X] -> [T][B][X], flattened
    return t.detach().transpose(0, 1).reshape(-1)


def make(cell, seed):
    torch.manual_seed(seed)
    net = Net(cell)
    g = torch.Generator().manual_seed(seed + 1)
    in1 = torch.randint(0, V, (B, T), generator=g)
    tg1 = torch.randint(0, V, (B, T), generator=g)
    in2 = torch.randint(0, V, (B, T), generator=g)
    tg2 = torch.randint(0, V, (B, T), generator=g)
    tg2[1, 2] = -1  # an ignored position
    masks = [(torch.rand(B, T, H, generator=g) >= DROPOUT).float() / (1 - DROPOUT)
             for _ in range(L)]
    params0 = net.flat().clone()

    rec = {}
    rec["config"] = [V, E, C, K, L, H, B, T, CELLS[cell][0], DROPOUT, CLIP]
    for name, t in (("in1", in1), ("tg1", tg1), ("in2", in2), ("tg2", tg2)):
        rec[name] = t.reshape(-1).tolist()
    for l in range(L):
        rec["mask%d" % l] = time_major(masks[l]).tolist()
    rec["params"] = params0.tolist()

    logits1, state = net(in1, None, masks)
    loss1 = loss_of(logits1, tg1)
    logits2, _ = net(in2, state, masks)
    loss2 = loss_of(logits2, tg2)
    net.zero_grad()
    loss2.backward()
    rec["loss1"] = [loss1.item()]
    rec["logits1"] = time_major(logits1).tolist()
    rec["loss2"] = [loss2.item()]
    rec["logits2"] = time_major(logits2).tolist()
    rec["grads2"] = net.flat(grads=True).tolist()

    for name, make_opt in OPTIMIZERS:
        torch.manual_seed(seed)
        m = Net(cell)
        m.load_state_dict(net.state_dict())
        with torch.no_grad():  # back to the initial parameters
            i = 0
            for p in [m.embed.weight, m.conv.weight, m.conv.bias] + \
                    [t for r in m.rnns for t in (r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0,
                                                 r.bias_hh_l0)] + [m.fc.weight, m.fc.bias]:
                src = params0[i:i + p.numel()]
                if p is m.conv.weight:
                    p.copy_(src.reshape(C, K, E).permute(0, 2, 1))
                else:
                    p.copy_(src.reshape(p.shape))
                i += p.numel()
        opt = make_opt(m.parameters())
        norms = []
        for _ in range(3):
            opt.zero_grad()
            logits, _ = m(in1, None, masks)
            loss_of(logits, tg1).backward()
            norms.append(torch.nn.utils.clip_grad_norm_(m.parameters(), CLIP).item())
            opt.step()
        rec[name] = m.flat().tolist()
        rec["norms_" + name] = norms
    return rec


def write(path, rec):
    out = bytearray(b"SRNNFIX1")
    for name, values in rec.items():
        nb = name.encode("ascii")
        out += struct.pack("<I", len(nb)) + nb
        out += struct.pack("<I", len(values)) + struct.pack("<%df" % len(values), *values)
    with open(path + ".tmp", "wb") as f:
        f.write(out)
    os.replace(path + ".tmp", path)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "nn", "fixtures")
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(1)
    for i, cell in enumerate(CELLS):
        rec = make(cell, 100 + i)
        path = os.path.join(outdir, "torch_%s.bin" % cell)
        write(path, rec)
        print("%s: %d parameters, loss1 %.6f loss2 %.6f, %s" % (
            path, len(rec["params"]), rec["loss1"][0], rec["loss2"][0],
            " ".join("%s norms %s" % (n, ",".join("%.3f" % x for x in rec["norms_" + n]))
                     for n, _ in OPTIMIZERS)))


if __name__ == "__main__":
    main()
