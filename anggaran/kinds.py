"""The event kinds: one table that says, per kind, everything the rest of the library
derives — its fields, its effect on line figures, its key (rule 6) and its references
(rule 7), its words in messages and its account in the exported journal.

Adding a kind is one entry here, its rules in ``rules.py`` when it takes part in a new
one, and its tests; parsing (``events.py``), postings and daily figures
(``projections.py``), history rows, verify and the export read this table. The worked
example, ``block``/``unblock``, is in ``docs/architecture.md``.

Deliberately plain Python (no attrs): ``report`` imports it on its start-up path.
"""

from typing import NamedTuple

# The fields of an event, in the order of its stored columns and of ``Event``'s attributes.
FIELDS = (
    "kind", "date", "code", "akun", "from_code", "from_akun", "amount",
    "ref", "sp2d", "to_year", "grantor", "name", "note", "voids",
    "contract", "signed", "supplier", "end", "payment", "tup", "bast_date",
    "revision", "month", "jenis",
)
# Positions in FIELDS of the fields the append, verify and the projections read from a
# stored row's values.
SP2D, VOIDS, CONTRACT, PAYMENT, TUP = (
    FIELDS.index(f) for f in ("sp2d", "voids", "contract", "payment", "tup"))

# Roles of a side for rule 4: a CREATE side gives its line a ceiling that year; a CEILING
# side changes an existing ceiling; OTHER needs a ceiling. ``revise`` creates when
# positive and only changes when negative (CREATE_IF_POSITIVE).
CREATE, CEILING, OTHER, CREATE_IF_POSITIVE = "create", "ceiling", "other", "create_if_positive"

# The figures a side moves, in the order of a posting's delta columns.
FIGURES = ("ceiling", "locked", "realised", "blocked", "committed")


class Effect(NamedTuple):
    """What a kind does to one line: the line named by ``part`` ("" or "to": code/akun,
    "from": from_code/from_akun), ``figure`` moved by ``sign`` × amount, rule-4 ``role``."""

    part: str
    figure: str
    sign: int
    role: str


class Kind(NamedTuple):
    """One kind. ``key``: how rule 6 keys it beyond its content (``"sp2d"``: its number is
    unique per year; ``"line"``: once per line and year, rule 3; None: its content).
    ``refs``: the fields that name another event, which rule 7 follows. ``label``: how messages
    name it. ``source``: the journal's equity account for a ceiling change."""

    required: frozenset
    optional: frozenset
    effects: tuple = ()
    key: str = None
    refs: tuple = ()
    label: str = None
    source: str = None
    doc: str = ""


def _k(required, optional, effects=(), **more):
    return Kind(frozenset(required.split()), frozenset((optional + " name note").split()),
                tuple(Effect(*e) for e in effects), **more)


ONE = ""  # the part of a one-line event

KINDS = {
    "pagu": _k("date code amount ref", "akun", [(ONE, "ceiling", 1, CREATE)], key="line",
               source="Pagu", doc="initial ceiling of a line (DIPA awal); once per line per year"),
    "revise": _k("date code amount ref", "akun revision", [(ONE, "ceiling", 1, CREATE_IF_POSITIVE)],
                 source="Revisi", doc="ceiling plus or minus a signed amount (revisi DIPA/POK; "
                                      "revision: pok, the default, or the DIPA revision code)"),
    "shift": _k("date from_code code amount ref", "from_akun akun revision",
                [("from", "ceiling", -1, CEILING), ("to", "ceiling", 1, CREATE)],
                source="Pergeseran", doc="moves ceiling from from_code/from_akun to code/akun "
                                         "(pergeseran; revision: pok or the DIPA "
                                         "revision code)"),
    "cut": _k("date code amount ref", "akun", [(ONE, "ceiling", -1, CEILING)],
              source="Pemotongan", doc="ceiling minus amount (central cut, penghematan)"),
    "grant": _k("date code amount ref", "akun grantor", [(ONE, "ceiling", 1, CREATE)],
                source="Hibah", doc="ceiling plus amount (hibah received from the Pemda)"),
    "carry_over": _k("date code amount ref", "akun to_year", [(ONE, "ceiling", -1, CEILING)],
                     label="carry-over", source="Luncuran",
                     doc="ceiling minus amount carried to to_year (default: next year), "
                         "which gives no ceiling there by itself"),
    "lock": _k("date code amount ref", "akun", [(ONE, "locked", 1, OTHER)],
               doc="freezes part of the ceiling while a revision is pending (lock pagu)"),
    "unlock": _k("date code amount ref", "akun", [(ONE, "locked", -1, OTHER)],
                 doc="releases locked ceiling (buka lock)"),
    "block": _k("date code amount ref", "akun", [(ONE, "blocked", 1, OTHER)], label="blokir",
                doc="blocks part of the ceiling by the DIPA (blokir); not spendable"),
    "unblock": _k("date code amount ref", "akun", [(ONE, "blocked", -1, OTHER)],
                  label="buka blokir", doc="opens blocked ceiling (buka blokir)"),
    "sp2d": _k("date code amount ref", "akun contract payment tup bast_date",
               [(ONE, "realised", 1, OTHER)], key="sp2d", refs=("contract", "tup"), label="SP2D",
               doc="a disbursement: realised plus amount; ref is the SP2D number; payment: ls "
                   "(paid directly, the default), gup, gup_nihil or ptup (tup: the TUP it "
                   "accounts for); with contract, a payment against that registered contract"),
    "correction": _k("date from_code code amount sp2d ref", "from_akun akun",
                     [("from", "realised", -1, OTHER), ("to", "realised", 1, OTHER)],
                     refs=("sp2d",), label="SP2D koreksi",
                     doc="moves realisation of SP2D sp2d from from_code/from_akun to "
                         "code/akun (SP2D koreksi)"),
    "refund": _k("date code amount ref", "akun sp2d", [(ONE, "realised", -1, OTHER)],
                 refs=("sp2d",), doc="realised minus amount (pengembalian belanja); ref is the "
                                     "NTPN or SSPB number"),
    "contract": _k("date code amount ref", "akun signed supplier end",
                   [(ONE, "committed", 1, OTHER)], key="contract", label="contract",
                   doc="registers a contract (ref: its number) on its line: its unpaid value "
                       "is committed; date: registration, signed: signing (default date)"),
    "contract_change": Kind(frozenset({"date", "contract", "amount", "ref"}), frozenset({"note"}),
                            refs=("contract",), label="addendum",
                            doc="an addendum: the value of contract (its number) plus or minus "
                                "a signed amount"),
    "contract_close": Kind(frozenset({"date", "contract", "ref"}), frozenset({"note"}),
                           refs=("contract",), label="contract close",
                           doc="the contract is finished or ended: its unpaid value is "
                               "released"),
    "up": Kind(frozenset({"date", "amount", "ref"}), frozenset({"note"}), key="sp2d",
               label="SP2D UP", doc="SP2D UP: cash advanced to the bendahara (uang persediaan); "
                                    "not realisation"),
    "tup": Kind(frozenset({"date", "amount", "ref"}), frozenset({"code", "akun", "name", "note"}),
                key="sp2d", label="SP2D TUP",
                doc="SP2D TUP: an extra advance, to be accounted for (PTUP) within one month; "
                    "not realisation; code and akun for reference only"),
    "up_return": Kind(frozenset({"date", "amount", "ref"}), frozenset({"note"}),
                      label="setoran UP", doc="the bendahara deposits UP back (setoran); ref "
                                              "is the NTPN"),
    "tup_return": Kind(frozenset({"date", "amount", "ref", "tup"}), frozenset({"note"}),
                       refs=("tup",), label="setoran TUP",
                       doc="the bendahara deposits what is left of TUP tup (its SP2D number) "
                           "back (setoran); ref is the NTPN"),
    "plan": Kind(frozenset({"date", "month", "jenis", "amount", "ref"}), frozenset({"note"}),
                 label="RPD", doc="RPD (Halaman III DIPA): the planned realisation of jenis belanja "
                                  "jenis in month (YYYY-MM); replaces the earlier plan for that "
                                  "month and jenis; zero allowed"),
    "void": Kind(frozenset({"date", "voids", "note"}), frozenset({"ref"}), key="void",
                 label="void", doc="cancels event number voids (its seq), recorded in error; "
                                   "date is the day the mistake was found"),
    "name": Kind(frozenset({"date", "code", "name"}), frozenset({"note"}),
                 doc="sets the Uraian shown for code (any level); no money effect"),
}
# The year-end seal is appended by ``close`` only; it is not a kind users record.
CLOSE = "close"

# Names a person would type (normalised by ``kind_name``): the Indonesian words of the
# treasury's documents, as the contract lists them.
ALIASES = {
    "dipa": "pagu", "revisi": "revise", "pergeseran": "shift", "pemotongan": "cut",
    "penghematan": "cut", "hibah": "grant", "luncuran": "carry_over", "lock_pagu": "lock",
    "buka_lock": "unlock", "koreksi": "correction", "sp2d_koreksi": "correction",
    "pengembalian": "refund", "sspb": "refund", "batal": "void", "uraian": "name",
    "blokir": "block", "buka_blokir": "unblock", "kontrak": "contract",
    "addendum": "contract_change", "kontrak_selesai": "contract_close",
    "setoran_up": "up_return", "setoran_tup": "tup_return", "rpd": "plan",
}

# sp2d.payment: how an SP2D was paid. Every one is realisation; the last three also
# account for the bendahara's advances (CASH). A file's kind column may hold these names
# (SAKTI's Jenis SPM: LS, GUP, GUP Nihil, PTUP) for an sp2d with that payment.
PAYMENTS = ("ls", "gup", "gup_nihil", "ptup")
DEFAULT_PAYMENT = "ls"
PAYMENT_LABELS = {"ls": "LS", "gup": "GUP", "gup_nihil": "GUP nihil", "ptup": "PTUP"}

# The bendahara's book: what each kind (an SP2D: each payment) does to the advances.
# account "up": the UP; "tup": one TUP, named by the event's ref (a TUP) or its tup field.
# sign: its effect on that account's outstanding; a GUP accounts for UP spending and
# replenishes the cash it spent, so it leaves the outstanding as it was (0).
CASH = {
    "up": ("up", 1), "gup": ("up", 0), "gup_nihil": ("up", -1), "up_return": ("up", -1),
    "tup": ("tup", 1), "ptup": ("tup", -1), "tup_return": ("tup", -1),
}


def cash_kind(kind, payment):
    """The CASH entry name of an event (an SP2D's payment), or None when it moves no
    advance (an LS SP2D, every line kind)."""
    name = payment if kind == "sp2d" else kind
    return name if name in CASH else None


# revise/shift.revision: pok (the KPA's own POK revision, the default) or the three-digit
# DIPA revision code.
DEFAULT_REVISION = "pok"


def kind_name(text):
    """The kind a typed name means (``SP2D``, ``Carry-over``, ``carry over``, ``Hibah``,
    ``SP2D Koreksi``), or the normalised text itself when it names no kind."""
    if text in KINDS:  # as most files write it
        return text
    key = "_".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split())
    return ALIASES.get(key, key)


# ------------------------------------------------------------------ derived

CEILING_KINDS = tuple(k for k, spec in KINDS.items()
                      if any(e.figure == "ceiling" for e in spec.effects))
# Kinds that give a line its ceiling (``revise`` only when its amount is positive).
CREATING_KINDS = tuple(k for k, spec in KINDS.items()
                       if any(e.role == CREATE for e in spec.effects))
SOURCES = {k: spec.source for k, spec in KINDS.items() if spec.source}


def role_of(effect, amount):
    """The rule-4 role of one side, once the amount is known."""
    if effect.role == CREATE_IF_POSITIVE:
        return CREATE if amount > 0 else CEILING
    return effect.role


def deltas(effect, amount):
    """The FIGURES deltas ``(ceiling, locked, realised, blocked, committed)`` of one side."""
    moved = effect.sign * amount
    return tuple(moved if f == effect.figure else 0 for f in FIGURES)


def _one_line(effect):
    """amount -> (*FIGURES deltas, role) for a one-line kind (on every event of an import:
    built from a template rather than by ``deltas``)."""
    at, sign = FIGURES.index(effect.figure), effect.sign
    before, after = (0,) * at, (0,) * (len(FIGURES) - at - 1)
    if effect.role == CREATE_IF_POSITIVE:
        return lambda amount: (*before, sign * amount, *after, role_of(effect, amount))
    return lambda amount: (*before, sign * amount, *after, effect.role)


# Kinds that move one line and refer to nothing: amount -> (the FIGURES deltas, rule-4
# role). The append and verify judge these once per line and role and
# build their postings straight from the stored columns (a refund naming an SP2D takes
# the general path, for rule 7).
ONE_SIDE = {k: _one_line(spec.effects[0]) for k, spec in KINDS.items()
            if len(spec.effects) == 1 and spec.effects[0].part == ONE}


def general(kind, sp2d, contract=None, tup=None):
    """Whether an event must be judged one by one: it moves two lines, or it names
    another event (``sp2d``, ``contract``, ``tup``) that rule 7 follows."""
    return (kind not in ONE_SIDE or kind == "contract" or sp2d is not None
            or contract is not None or tup is not None)


# The kinds that name a contract, and so move its committed figure (see projections).
CONTRACT_KINDS = ("contract", "contract_change", "contract_close")


def key_of(kind, year, values):
    """Rule 6's key of an event given its kind, year and its fields (a mapping, or an Event:
    anything with ``get(field)``; absent: None):
    an SP2D number per year; a contract number per year among contracts; a void by the seq
    it voids; any other kind by (kind, year, ref, the lines and the contract it names);
    ``name`` has none (None): only an identical one is skipped."""
    spec = KINDS[kind]
    if spec.key == "sp2d":
        return ("sp2d", year, values.get("ref"))
    if spec.key == "void":
        return ("void", values.get("voids"))
    if spec.key == "contract":
        return ("contract", year, values.get("ref"))
    if kind == "name":
        return None
    return (kind, year, *(values.get(f) for f in KEY_FIELDS))


# The fields that key an event of any other kind (rule 6), beside its kind and year.
KEY_FIELDS = ("ref", "code", "akun", "from_code", "from_akun", "contract", "tup", "month", "jenis")
