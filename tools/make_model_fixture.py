#!/usr/bin/env python3
"""Writes tests/model/fixtures/v1.srnn: a version-1 model file built from the format
description in include/songrnn/model.h with struct and zlib.crc32 alone, independent of the C
encoder.  tests/model/test_modelfile.c decodes it and checks every value below, so the reader
keeps reading version-1 files and agrees with an independent writer.

    tools/make_model_fixture.py [OUT]
"""
import struct
import sys
import zlib

MAGIC = b"\x89songrnn\r\n\x1a\n"


def entry(key, kind, value):
    k = key.encode()
    out = struct.pack("<B", len(k)) + k + kind.encode()
    if kind == "i":
        return out + struct.pack("<q", value)
    if kind == "u":
        return out + struct.pack("<Q", value)
    if kind == "f":
        return out + struct.pack("<d", value)
    v = value.encode()
    return out + struct.pack("<I", len(v)) + v


def section(tag, payload):
    return tag.encode() + struct.pack("<Q", len(payload)) + payload


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/model/fixtures/v1.srnn"
    conf = [
        ("mode", "i", 1), ("cell", "s", "rnn"), ("vocab_size", "i", 6), ("embed", "i", 3),
        ("conv_channels", "i", 0), ("conv_kernel", "i", 0), ("layers", "i", 1),
        ("hidden", "i", 2), ("dropout", "f", 0.5), ("seq_len", "i", 32), ("batch", "i", 4),
        ("optimizer", "s", "sgd"), ("lr", "f", 0.05), ("momentum", "f", 0.9),
        ("seed", "u", 2**64 - 2), ("epoch", "i", 4), ("step", "i", 40),
        ("rng3", "u", 0xDEADBEEF), ("tempo", "f", 96.0),
        ("a_key_from_the_future", "s", "ignored"),
    ]
    body = struct.pack("<I", len(conf)) + b"".join(entry(*e) for e in conf)
    params = [i / 8.0 - 1.0 for i in range(10)]
    opt = [0.25] * 10
    hist = [(3.0, 3.5, 0.25, 0.125, 2.0, 640), (2.0, float("nan"), 0.5, 0.0, 2.5, 640)]
    sections = (
        section("CONF", body)
        + section("VOCB", b"opaque vocabulary blob")
        + section("PARM", struct.pack("<Q", len(params)) + struct.pack("<%df" % len(params), *params))
        + section("OPTS", struct.pack("<Q", len(opt)) + struct.pack("<%df" % len(opt), *opt))
        + section("tEXT", b"an ancillary section a version-1 reader skips")
        + section("HIST", struct.pack("<II", len(hist), 48)
                  + b"".join(struct.pack("<dddddQ", *h) for h in hist))
    )
    total = 12 + 4 + 8 + len(sections) + 4
    data = MAGIC + struct.pack("<IQ", 1, total) + sections
    data += struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)
    assert len(data) == total
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
