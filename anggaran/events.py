"""The event kinds' fields, and how one raw row becomes an Event.

An event is a frozen past-tense fact about one or two budget lines. ``Event.parse``
turns a raw mapping (a CSV row, a JSONL object, CLI options) into an Event or raises
``RuleError`` for rules 1, 2 and the field part of 7. ``Event.sides`` says what the event
does to which line; deciding whether that is allowed is ``rules.py``'s job.
"""

import datetime as dt
import json
import operator
import re
import unicodedata

import attrs

from . import codes, kinds
from .dates import FIRST_YEAR, LAST_YEAR, iso_day
from .errors import RuleError
from .money import MAX_AMOUNT, AmountFormatError, parse_amount, rupiah

FIELDS = kinds.FIELDS
SP2D, VOIDS, CONTRACT = kinds.SP2D, kinds.VOIDS, kinds.CONTRACT

# kind -> (required fields, optional fields), from the kinds table.
KINDS = {kind: (set(spec.required), set(spec.optional)) for kind, spec in kinds.KINDS.items()}
CLOSE = kinds.CLOSE

MAX_TEXT = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_IN_NOTES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# A lone surrogate: what JSON's "\ud800" or undecodable command-line bytes turn into; it
# cannot be stored or hashed as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

CREATE, CEILING, OTHER = kinds.CREATE, kinds.CEILING, kinds.OTHER  # rule-4 roles of a side


@attrs.frozen
class Side:
    """What an event does to one budget line.

    Attributes:
      code, akun: the line as the event names it (akun None when not given).
      ceiling, locked, realised, blocked, committed: signed deltas in rupiah.
      role: CREATE (gives the line a ceiling), CEILING (changes a ceiling) or OTHER.
      part: "from" or "to" for shifts and corrections, "" otherwise.
    """

    code: str
    akun: str | None
    ceiling: int = 0
    locked: int = 0
    realised: int = 0
    blocked: int = 0
    committed: int = 0
    role: str = OTHER
    part: str = ""

    def figures(self):
        """The deltas in ``kinds.FIGURES`` order."""
        return (self.ceiling, self.locked, self.realised, self.blocked, self.committed)


@attrs.frozen
class Event:
    """One fact of the budget log. Absent optional fields are None.

    Attributes:
      kind: one of KINDS (or "close" for a year-end seal).
      date: the effective date, ``YYYY-MM-DD``.
      amount: whole rupiah; signed only for ``revise``.
      to_year: for ``carry_over``, the year the money goes to; None for the default, the
        next year (a field equal to its default is dropped before it is stored or hashed;
        ledgers made before v2.0 hold it explicitly, and keep their hashes).
      voids: for ``void``, the seq of the event it cancels.
      The rest are text as given, stripped of surrounding blanks and in Unicode NFC.

    A void's year is its voided event's (the append looks it up); ``year`` here is the
    year of ``date``.
    """

    kind: str
    date: str
    code: str | None = None
    akun: str | None = None
    from_code: str | None = None
    from_akun: str | None = None
    amount: int | None = None
    ref: str | None = None
    sp2d: str | None = None
    to_year: int | None = None
    grantor: str | None = None
    name: str | None = None
    note: str | None = None
    voids: int | None = None
    contract: str | None = None
    signed: str | None = None
    supplier: str | None = None
    end: str | None = None
    payment: str | None = None
    tup: str | None = None
    bast_date: str | None = None
    revision: str | None = None
    month: str | None = None
    jenis: str | None = None

    @property
    def year(self):
        """The year of ``date``; of a plan, the year of its ``month``."""
        return int((self.month or self.date)[:4])

    def values(self):
        """The field values in ``FIELDS`` order (None when absent), as one tuple."""
        return field_values(self)

    def get(self, field):
        """A field's value, None when absent (as ``dict.get``; ``kinds.key_of`` reads it)."""
        return getattr(self, field)

    def to_dict(self):
        """The fields that are present, in contract order."""
        return {f: v for f, v in zip(FIELDS, field_values(self)) if v is not None}

    def canonical(self):
        """The canonical encoding: sorted-key compact JSON of the present fields."""
        return canonical_of(field_values(self))

    @classmethod
    def from_record(cls, row):
        """The Event stored in an ``events`` table row (a mapping of column -> value)."""
        return cls(**{f: row[f] for f in FIELDS})

    def sides(self):
        """The lines this event moves, with their deltas (empty for ``name``), as the kinds
        table says."""
        spec = kinds.KINDS.get(self.kind)
        if spec is None:
            return ()
        return tuple(
            Side(*((self.from_code, self.from_akun) if e.part == "from" else (self.code, self.akun)),
                 *kinds.deltas(e, self.amount), role=kinds.role_of(e, self.amount), part=e.part)
            for e in spec.effects)

    def describe(self):
        """A short phrase naming the event in messages: ``SP2D 2401...``, ``cut``."""
        spec = kinds.KINDS.get(self.kind)
        label = (spec and spec.label) or self.kind
        if self.kind == "void":
            return f"void of seq {self.voids}"
        if self.kind in ("contract_change", "contract_close"):
            return f"{label} {self.ref} of contract {self.contract}"
        ref = self.ref if self.kind != "correction" else (self.ref or self.sp2d)
        if self.payment is not None:  # SP2D 2501… (GUP nihil)
            return f"{label} {ref} ({kinds.PAYMENT_LABELS[self.payment]})"
        return f"{label} {ref}" if ref else label

    # ------------------------------------------------------------------ parsing

    @classmethod
    def parse(cls, raw):
        """Validate a raw mapping of field -> value into an Event (rules 1, 2, 7).

        Empty strings and None count as absent. Values may be text (CSV, CLI) or JSON
        scalars. Raises RuleError without a row number; importers add it.
        """
        values = {}
        for key, value in raw.items():
            if value is None or (isinstance(value, str) and value.strip() == ""):
                continue
            values[key] = value
        kind = values.pop("kind", None)
        if kind is None:
            raise RuleError(1, "missing required field 'kind' (one of: " + ", ".join(KINDS) + ")")
        if isinstance(kind, str):  # "SP2D", "Carry-over", "Hibah" as typed in a spreadsheet
            kind = kinds.kind_name(kind)
        if kind in kinds.PAYMENTS:  # SAKTI's Jenis SPM: "GUP" is an sp2d paid by GUP
            given = values.get("payment")
            if given is not None and _payment(given, "sp2d") != kind:
                raise RuleError(1, f"kind '{_show(raw.get('kind'))}' is an SP2D paid by "
                                   f"{kind.upper().replace('_', ' ')}, but its payment is "
                                   f"'{_show(given)}'; give one of them")
            kind, values["payment"] = "sp2d", kind
        if not isinstance(kind, str) or kind not in KINDS:
            raise RuleError(1, f"unknown kind '{_show(raw.get('kind'))}' (use one of: " + ", ".join(KINDS) + ")")
        required, optional = KINDS[kind]
        for key in values:
            if key not in FIELDS:
                raise RuleError(1, f"unknown field '{_show(key)}' (fields are: " + ", ".join(FIELDS) + ")")
            if key not in required and key not in optional:
                raise RuleError(1, f"field '{key}' does not belong to an event of kind {kind} "
                                   f"(it takes: " + ", ".join(sorted(required | optional)) + ")")
        for key in sorted(required):
            if key not in values:
                raise RuleError(1, f"{kind} event is missing required field '{key}'")
        fields = {"kind": kind}
        for key, value in values.items():
            fields[key] = _PARSERS[key](value, kind)
        return cls._finish(kind, fields)

    @classmethod
    def _finish(cls, kind, fields):
        """The checks that need all fields parsed (rule 2, code depth, same line, carry-over)."""
        if "amount" in fields:
            _check_range(fields)
        event = cls(**fields)
        _check_codes(event)
        if kind in ("shift", "correction") and (event.from_code, event.from_akun) == (event.code, event.akun):
            raise RuleError(1, f"{kind} from {codes.line_key(event.code, event.akun)} to the same line "
                               "moves nothing; name another line in code/akun")
        if kind == "contract":
            if event.signed == event.date:  # the default: dropped
                event = attrs.evolve(event, signed=None)
            if event.end is not None and (event.signed or event.date) > event.end:
                raise RuleError(1, f"contract {event.ref}: signed {event.signed or event.date} "
                                   f"is after its end {event.end}")
        if kind == "sp2d":
            event = _check_payment(event)
        if event.revision == kinds.DEFAULT_REVISION:  # the default: dropped
            event = attrs.evolve(event, revision=None)
        if kind == "carry_over":
            if event.to_year == event.year + 1:  # the default: dropped, so giving it
                event = attrs.evolve(event, to_year=None)  # explicitly makes the same event
            elif event.to_year is not None and event.to_year <= event.year:
                raise RuleError(7, f"carry_over to_year {event.to_year} must be later than "
                                   f"the event's year {event.year}, {codes.line_key(event.code, event.akun)}")
        return event


def canonical_json(mapping):
    return json.dumps(mapping, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


field_values = operator.attrgetter(*FIELDS)
INT_FIELDS = ("amount", "to_year", "voids")


def canonical_of(values):
    """``canonical_json`` of the present fields, from their values in ``FIELDS`` order. A
    value of another type than its field's (text, or the integers ``amount`` and
    ``to_year``) raises TypeError: verify reads a stored row through this, and an edited
    column must show as an edit. (A hand-written encoder was faster, but bought 5-7 % of
    an import or a verify at 1M events, short of the 25 % that speed machinery must buy.)"""
    present = {}
    for field, value in zip(FIELDS, values):
        if value is not None:
            if type(value) is not (int if field in INT_FIELDS else str):
                raise TypeError(f"{field} holds a {type(value).__name__}")
            present[field] = value
    return canonical_json(present)


def _show(value, limit=40):
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(field, control=_CONTROL):
    def parse(value, kind):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise RuleError(1, f"{field} must be text, got {_show(json.dumps(value))}")
        text = unicodedata.normalize("NFC", str(value).strip())
        if len(text) > MAX_TEXT:
            raise RuleError(1, f"{field} is longer than {MAX_TEXT} characters")
        if _SURROGATE.search(text):
            raise RuleError(1, f"{field} is not valid Unicode text (a lone surrogate such as "
                               "\\ud800); write the character itself, in UTF-8")
        if control.search(text):
            raise RuleError(1, f"{field} contains a control character")
        return text
    return parse




def _date(value, kind):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = value.isoformat()
    if isinstance(value, dt.datetime) and value.time() == dt.time():  # an Excel date cell
        value = value.date().isoformat()
    if not isinstance(value, str):
        raise RuleError(1, f"date must be text YYYY-MM-DD, got {_show(json.dumps(value, default=str))}")
    text = value.strip()
    try:
        return iso_day(text)
    except ValueError:
        pass
    try:
        year = int(text[:4]) if text[4:5] == "-" else int(text[-4:])
    except ValueError:
        year = None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleError(1, f"date {_show(text)} is outside the fiscal years anggaran keeps "
                           f"({FIRST_YEAR}-{LAST_YEAR})")
    raise RuleError(1, f"date '{_show(text)}' is not a real calendar day in the form YYYY-MM-DD "
                       "(or DD/MM/YYYY)")


def _code(field):
    def parse(value, kind):
        text = _text(field)(value, kind)
        if not codes.is_code(text):
            raise RuleError(1, f"{field} '{_show(text)}' is not a budget code like CQ.6639 "
                               "(PROGRAM.KEGIATAN[.more], capital letters and digits)")
        return text
    return parse


def _akun(field):
    def parse(value, kind):
        text = _text(field)(value, kind)
        if not codes.is_akun(text):
            raise RuleError(1, f"{field} '{_show(text)}' is not a six-digit akun like 521211")
        return text
    return parse


def _amount(value, kind):
    try:
        return parse_amount(value)
    except AmountFormatError as e:
        raise RuleError(1, f"amount {e} (write 1500000, 1.500.000 or Rp 1.500.000,-)") from None


def _check_range(fields):
    """Rule 2, once the line is known so that the message can name it."""
    amount, kind = fields["amount"], fields["kind"]
    signed = kind in ("revise", "contract_change")
    if 0 < amount <= MAX_AMOUNT or (signed and amount and abs(amount) <= MAX_AMOUNT):
        return
    if kind == "plan":  # a month planned at zero is a plan
        if amount < 0:
            raise RuleError(2, f"plan amount must not be negative, got {rupiah(amount)}, month "
                               f"{fields.get('month')} jenis {fields.get('jenis')}")
        if amount <= MAX_AMOUNT:
            return
    line = (codes.line_key(fields.get("code", "?"), fields.get("akun")) if "code" in fields
            else f"contract {fields.get('contract')}")
    if signed:
        if amount == 0:
            raise RuleError(2, f"{kind} amount must not be zero, {line}")
    elif amount <= 0:
        raise RuleError(2, f"amount must be positive, got {rupiah(amount)}, {line}")
    if abs(amount) > MAX_AMOUNT:
        raise RuleError(2, f"amount {rupiah(amount)} is above the limit of {rupiah(MAX_AMOUNT)}, {line}")


def _year(value, kind):
    if isinstance(value, bool):
        raise RuleError(1, "to_year must be a year like 2025")
    text = str(value).strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise RuleError(1, f"to_year '{_show(text)}' is not a year like 2025")
    return int(text)


def _payment(value, kind):
    """``payment``: LS, GUP, GUP Nihil or PTUP in any case and spacing."""
    key = kinds.kind_name(value) if isinstance(value, str) else None
    if key not in kinds.PAYMENTS:
        raise RuleError(1, f"payment '{_show(value)}' is not one of LS, GUP, GUP Nihil, PTUP")
    return key


def _check_payment(event):
    """An SP2D's payment fields together: the default payment (LS) dropped; ``tup`` (the
    TUP it accounts for) given with PTUP and only there; ``bast_date`` not after the SP2D."""
    if event.payment == kinds.DEFAULT_PAYMENT:
        event = attrs.evolve(event, payment=None)
    if event.payment == "ptup" and event.tup is None:
        raise RuleError(1, f"SP2D {event.ref} is a PTUP: name the TUP it accounts for in tup "
                           "(the TUP's SP2D number)")
    if event.tup is not None and event.payment != "ptup":
        raise RuleError(1, f"SP2D {event.ref} names TUP {event.tup}, which only a PTUP does; "
                           "give payment PTUP or leave tup out")
    if event.bast_date is not None and event.bast_date > event.date:
        raise RuleError(1, f"SP2D {event.ref}: bast_date {event.bast_date} is after the SP2D's "
                           f"date {event.date}; the right to payment comes first")
    return event


def _month(value, kind):
    """``month``: ``YYYY-MM``; an Excel date cell (or a date) counts as its month."""
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.strftime("%Y-%m")
    text = str(value).strip() if isinstance(value, str) else ""
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text) and FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        return text
    raise RuleError(1, f"month '{_show(value)}' is not a month like 2025-03 (YYYY-MM)")


def _jenis(value, kind):
    """``jenis``: a jenis belanja, two digits (51, 52, …); a number cell 52 is "52"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if not isinstance(value, bool) else ""
    if re.fullmatch(r"\d{2}", text):
        return text
    raise RuleError(1, f"jenis '{_show(value)}' is not a jenis belanja of two digits like 52")


def _revision(value, kind):
    """``revision``: ``pok`` (any case) or a three-digit DIPA revision code."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if text.lower() == kinds.DEFAULT_REVISION:
        return kinds.DEFAULT_REVISION
    if re.fullmatch(r"\d{3}", text):
        return text
    raise RuleError(1, f"revision '{_show(value)}' is not pok or a three-digit DIPA revision "
                       "code like 211")


def _voids(value, kind):
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**62):
        raise RuleError(1, f"voids '{_show(text)}' must be the seq number of the event recorded "
                           "in error (a positive whole number; see 'anggaran log')")
    return int(text)


_PARSERS = {
    "date": _date,
    "code": _code("code"),
    "from_code": _code("from_code"),
    "akun": _akun("akun"),
    "from_akun": _akun("from_akun"),
    "amount": _amount,
    "ref": _text("ref"),
    "sp2d": _text("sp2d"),
    "to_year": _year,
    "grantor": _text("grantor"),
    "name": _text("name"),
    "note": _text("note", _CONTROL_IN_NOTES),  # a note may span lines (Alt+Enter in Excel)
    "voids": _voids,
    "contract": _text("contract"),
    "signed": _date,
    "end": _date,
    "supplier": _text("supplier"),
    "payment": _payment,
    "tup": _text("tup"),
    "bast_date": _date,
    "revision": _revision,
    "month": _month,
    "jenis": _jenis,
}


def _check_codes(event):
    """Money events need at least PROGRAM.KEGIATAN; a bare program takes only ``name``."""
    if event.kind in ("name", "void"):
        return
    for field in ("code", "from_code"):
        value = getattr(event, field)
        if value is not None and "." not in value:  # one segment: a program
            raise RuleError(1, f"{field} '{value}' is a program; a {event.kind} event needs "
                               "PROGRAM.KEGIATAN, e.g. CQ.6639")
