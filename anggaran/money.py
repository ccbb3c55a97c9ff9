"""Rupiah amounts: whole integers end to end, and their spelling in and out.

Amounts arrive as JSON integers or as text cells. Accepted text (contract, "Field
formats"): optional ``Rp``, then digits plain or grouped in threes by one separator
style throughout (``.`` or ``,``), optionally followed by the other separator and
``-``, ``0`` or ``00``. So ``1500000``, ``1.500.000``, ``1,500,000``, ``Rp 1.500.000,-``
and ``1.500.000,00`` are all 1,500,000; sen, mixed separators and text are refused.
"""

import re
from decimal import Decimal

MAX_AMOUNT = 10**15

_AMOUNT = re.compile(
    r"""^(?P<sign1>-)?\s*(?:rp\.?\s*)?(?P<sign2>-)?\s*
    (?:
      (?P<plain>[0-9]+)(?:[.,](?:-|00?))?
    | (?P<dot>[0-9]{1,3}(?:\.[0-9]{3})+)(?:,(?:-|00?))?
    | (?P<comma>[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?:-|00?))?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


class AmountFormatError(ValueError):
    """Text that is not a whole-rupiah amount at all (rule 1)."""


def parse_bracketed(text):
    """An amount as a statement prints it, a negative one in brackets: ``(1.500.000)`` is
    −1,500,000 (else as ``parse_amount``; raises AmountFormatError)."""
    negative = text.startswith("(") and text.endswith(")")
    amount = parse_amount(text.strip("()"))
    return -amount if negative else amount


def parse_amount(value):
    """Return the integer rupiah in ``value`` (int or text); sign kept.

    Raises AmountFormatError for floats, booleans, text, sen and mixed separators.
    Range (zero, negative, above 10^15) is the caller's rule 2, not checked here.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise AmountFormatError(f"{value!r} is not a whole-rupiah amount")
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise AmountFormatError(f"{value!r} is not a whole-rupiah amount")
    text = value.strip()
    m = _AMOUNT.match(text)
    if not m or (m["sign1"] and m["sign2"]):
        raise AmountFormatError(f"'{_short(text)}' is not a whole-rupiah amount")
    digits = (m["plain"] or m["dot"] or m["comma"]).replace(".", "").replace(",", "")
    if len(digits.lstrip("0")) > 100:  # far above any limit; int() of it would be slow
        return Oversized(digits.lstrip("0"), bool(m["sign1"] or m["sign2"]))
    number = int(digits)  # exact: a rule-2 message shows the amount as given
    return -number if (m["sign1"] or m["sign2"]) else number


class Oversized(int):
    """An amount of more than 100 digits: it compares as ±10^100 (far above every limit,
    so rule 2 refuses it) and ``rupiah`` shows the digits as they were given."""

    def __new__(cls, digits, negative):
        number = super().__new__(cls, -10**100 if negative else 10**100)
        number.digits, number.negative = digits, negative
        return number

    def __neg__(self):
        return Oversized(self.digits, not self.negative)


def _short(text, limit=40):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def group(n, sep="."):
    """``1234567`` -> ``1.234.567`` (``sep=","`` for the English locale)."""
    s = f"{abs(n):,}".replace(",", sep)
    return "-" + s if n < 0 else s


def rupiah(n):
    """The Indonesian spelling used in messages: ``1.500.000``."""
    if isinstance(n, Oversized):  # its first digits as given, and how many there are
        return ("-" if n.negative else "") + f"{n.digits[:20]}…({len(n.digits)} digits)"
    return group(n, ".")


def percent(numerator, denominator):
    """100 × numerator / denominator as a Decimal rounded half-up (away from zero) to 2
    places; 0 if /0.

    Exact in integers: the hundredths are ``(20000·|n| + |d|) // (2·|d|)``; no Decimal
    context or intermediate rounding is involved, and it is several times cheaper than a
    Decimal division (a history prints one per event). A tiny negative gives 0.00."""
    if denominator == 0:
        return _ZERO
    a, b = abs(numerator), abs(denominator)
    hundredths = (20000 * a + b) // (2 * b)
    if (numerator < 0) != (denominator < 0):
        hundredths = -hundredths
    return Decimal(hundredths).scaleb(-2)


_ZERO = Decimal("0.00")


def format_percent(p, locale="id"):
    """``Decimal('99.42')`` -> ``99,42`` (id) or ``99.42`` (en)."""
    s = f"{p:.2f}"
    return s.replace(".", ",") if locale == "id" else s


def format_money(n, locale="id"):
    return group(n, "." if locale == "id" else ",")
