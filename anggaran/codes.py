"""Budget codes (kode) and accounts (akun).

A code is ``PROGRAM.KEGIATAN[.more]``: ``CQ`` is a program, ``CQ.6639`` a kegiatan
(activity), ``CQ.6639.QMA.001`` a deeper output line of that kegiatan. An akun is a
six-digit account whose first two digits are the jenis belanja (51 pegawai, 52 barang,
53 modal).
"""

import re

CODE_RE = re.compile(r"^[A-Z]{2}(\.[0-9]{4}(\.[A-Z0-9]{1,3})*)?$")
AKUN_RE = re.compile(r"^[0-9]{6}$")

JENIS_NAMES = {
    "51": "BELANJA PEGAWAI",
    "52": "BELANJA BARANG",
    "53": "BELANJA MODAL",
    "54": "BELANJA PEMBAYARAN KEWAJIBAN UTANG",
    "55": "BELANJA SUBSIDI",
    "56": "BELANJA HIBAH",
    "57": "BELANJA BANTUAN SOSIAL",
    "58": "BELANJA LAIN-LAIN",
}
NO_JENIS = "-"
NO_JENIS_NAME = "TANPA AKUN"


def is_code(text):
    return bool(CODE_RE.match(text))


def is_akun(text):
    return bool(AKUN_RE.match(text))


def program_of(code):
    return code.split(".")[0]


def kegiatan_of(code):
    """``CQ.6639.QMA.001`` -> ``CQ.6639``."""
    return ".".join(code.split(".")[:2])


def segments(code):
    return len(code.split("."))


def jenis_of(akun):
    """The jenis belanja of an akun (``521211`` -> ``52``), or ``-`` without akun."""
    return akun[:2] if akun else NO_JENIS


def jenis_name(jenis):
    if jenis == NO_JENIS:
        return NO_JENIS_NAME
    return JENIS_NAMES.get(jenis, f"BELANJA {jenis}")


def line_order(line):
    """Sort key putting ``CQ.6639/…`` before ``CQ.6639.AB/…`` before ``CQ.6639.QMA.001/…``."""
    code, _, akun = line.partition("/")
    return code.split("."), akun


def line_key(code, akun):
    """How a budget line is written: ``CQ.6639/521211``, ``CQ.6639/`` when code-level."""
    return f"{code}/{akun or ''}"
