"""The hash chain and event identity, defined once for the append, verify, the seal and
the import reader.

An event's chain hash is SHA-256 over the previous event's hash, its canonical JSON, its
``seq`` and ``recorded_at`` (and a seal's figures), one per line; the first event chains to
the genesis (``store.genesis``). Its identity (rule 6: "the same event") is SHA-256 of its
canonical JSON — with a seal's figures for a seal — kept as 32 raw bytes for a compact
index.
"""

import hashlib


def body(canonical, seal=None):
    """What an event's identity covers: its canonical JSON, and a seal's figures."""
    return canonical if seal is None else canonical + "\n" + seal


def chain_hash(prev_hash, canonical, seq, recorded_at, seal=None):
    text = f"{prev_hash}\n{canonical}\n{seq}\n{recorded_at}"
    if seal is not None:
        text += "\n" + seal
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(canonical, seal=None):
    return hashlib.sha256(body(canonical, seal).encode("utf-8")).digest()
