"""The IKPA self-assessment (``anggaran ikpa``): the Indikator Kinerja Pelaksanaan Anggaran
of the as-of date's year, as of that date, computed from the ledger and a rule set.

**The rule set** is data: a JSON file (``ledger_data/ikpa_rules/YEAR.json`` shipped; any
other with ``rules=``) holding every weight, target, tolerance, score table and bucket, each
a parameter ``{"value", "source", "confirmed"}`` (``load_rules`` validates a file and names
what is wrong). A year without its own shipped rule set uses the latest earlier one, and
``rules.name`` says so. An indicator whose score rests on a parameter marked
``"confirmed": false`` carries ``"unconfirmed": true``, and its trace names those
parameters; a parameter that only sometimes applies (a cap, konversi bobot inside an
indicator) counts only when it changed the score.

**The indicators** (the contract's table; every figure from the daily projection or an
index, as known at ``known_at``, voids counted when recorded by then):

- ``revisi``: per half-year begun by D, the distinct ``ref``s of ``revise``/``shift``
  events with a pagu-tetap revision code, scored by the table; the mean, at most the cap.
  Not assessed when the year has no ceiling by D.
- ``deviasi``: ``rpd``'s average deviation as it prints it (the mean of the weighted
  monthly deviations over the full months up to ``last_month``, rounded half-up to 2
  decimals: the figure the officer sees is the one scored); 100 at or below the tolerance,
  else max(0, 100 − it). Not
  assessed without a plan (``rpd`` event) of the year, or before a month is full.
- ``penyerapan``: per quarter ended by D, per jenis with a target and a base (ceiling −
  blokir at the quarter's end), min(cap, 100 × absorption / target), weighted by base
  shares among those jenis; the mean of the quarters.
- ``kontraktual``: kontrak dini, akselerasi belanja modal and distribusi (below), weighted
  40/40/20 over the parts that have contracts.
- ``tagihan``: the share of SP2Ds naming a contract and carrying a ``bast_date`` paid
  within 17 working days of it (``workdays``).
- ``up_tup``: UP revolving, TUP on time, TUP returned (below), weighted 50/25/25 over the
  parts with something to measure.
- ``capaian_output`` and ``dispensasi``: given (``scores``); dispensasi is a deduction.

The total is Σ weight × score / Σ weight over the assessed indicators (konversi bobot),
exact (fractions) until the edge, minus the deduction, floored at 0, rounded half-up to 2
decimals; the band is read from the rounded total.

**Where the contract is silent, we chose** (what a finance officer would expect):

- Kontrak dini and distribusi use the contract's value as of D (its addenda included) and
  its signing date (``signed``, default its registration date); a contract signed by 31
  March but registered later still counts. Kontrak dini is the mean over the eligible
  contracts signed by 31 March ("their mean"): with none, that part has nothing to measure
  and drops out. Distribusi takes contracts of every jenis.
- Akselerasi belanja modal counts a contract once one SP2D has paid it in full (its paid
  equals its value, or it is closed after that one SP2D); a contract not yet paid, or paid
  in part by one SP2D so far, is not counted yet; one paid by two or more SP2Ds
  (instalments) is not counted.
- Kontraktual has no cap unless the rule set gives one (the shipped one gives none: its
  ``cap`` is null, unconfirmed), so kontrak dini's 110 and 120 points can lift it above 100.
- Tagihan counts working days after the BAST date up to and including the SP2D date (the
  ledger has no SPM date; the SP2D comes a few days after the SPM, so this is the stricter
  reading); cuti bersama are working days (``workdays``).
- UP revolving counts the months ended by D (a month still running is not judged); a TUP
  is on time when settled (accounted by PTUP and returned) on or before its due date, the
  due date itself included.
- Revisi: a half-year's count includes the revisions dated in it up to D; a revision that
  moves several lines under one ``ref`` is one revision.
- ``--what-if JENIS=AMOUNT@DATE`` (``what_if``) adds that much realisation on that jenis,
  dated DATE (in the year, not after D), to penyerapan (every quarter ending on or after
  DATE) and to deviasi (DATE's month); nothing is written.
- Traces write figures as an Indonesian officer reads them (1.500.000 and 69,23) whatever
  ``--locale``; a trace lists at most TRACE_ITEMS contracts, SP2Ds or TUPs one by one.
"""

import json
import os
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from . import bendahara, codes, contracts, reports, rpd, store
from .errors import AnggaranError, UsageError
from .money import MAX_AMOUNT, AmountFormatError, format_percent, parse_amount, rupiah

KEYS = ("revisi", "deviasi", "penyerapan", "kontraktual", "tagihan", "up_tup",
        "capaian_output", "dispensasi")
GIVEN = {"capaian_output": "the Capaian Output score, 0 to 100",
         "dispensasi": "the dispensasi SPM deduction, 0 to 100"}
RULES_FOLDER = "ikpa_rules"
QUARTER_ENDS = ("03-31", "06-30", "09-30", "12-31")
TRACE_ITEMS = 20  # items (contracts, SP2Ds, TUPs) a trace lists one by one before it summarises

_LIVE = "NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = e.seq AND v.seq <= ?)"


def ikpa(ledger, as_of=None, known_at=None, rules=None, scores=None, what_if=None, today=None):
    """``anggaran ikpa``: ``{"satker", "year", "as_of", "known_at", "rules": {"name",
    "file"}, "indicators": [{"key", "name", "weight", "assessed", "score", "unconfirmed",
    "trace"}], "deduction", "total", "band"}`` (and ``"what_if"`` when given), as of
    ``as_of`` (default as for ``report``), as known at ``known_at``.

    ``rules``: a rule-set file (default: the one shipped for the year, else the latest
    earlier one) or an already-loaded mapping. ``scores``: ``{"capaian_output": 90,
    "dispensasi": "0,25"}`` or ``["capaian_output=90", …]``. ``what_if``:
    ``["52=1.000.000.000@2025-09-30", …]`` or ``[(jenis, amount, date), …]``. Scores are
    Decimals rounded half-up to 2 decimals, once."""
    given = parse_scores(scores)
    conn = ledger.conn
    conn.execute("BEGIN")  # one snapshot for every read
    try:
        as_of, known, max_seq, year = reports.moment(ledger, as_of, known_at, today)
        spec, about = load_rules(year, rules)
        changes = parse_what_if(what_if, year, as_of)
        scene = _Scene(ledger, year, as_of, max_seq, changes, given)
        indicators = [_assess(key, spec, scene) for key in KEYS]
    finally:
        conn.execute("ROLLBACK")
    weighted = [i for i in indicators if i.weight is not None and i.assessed]
    weights = sum(Fraction(i.weight) for i in weighted)
    deduction = given.get("dispensasi", Fraction(0))
    total = band = None
    if weights:
        total = rpd.rounded(max(Fraction(0), sum(Fraction(i.weight) * i.score for i in weighted)
                                / weights - deduction))
        band = next(b["band"] for b in spec["bands"]["value"] if total >= b["from"])
    out = {"satker": ledger.satker, "year": year, "as_of": as_of, "known_at": known,
           "rules": about, "indicators": [i.as_dict() for i in indicators],
           "deduction": rpd.rounded(deduction), "total": total, "band": band}
    if changes:
        out["what_if"] = [{"jenis": j, "amount": a, "date": d} for j, a, d in changes]
    return out


# ------------------------------------------------------------------ options

def parse_scores(scores):
    """``{key: Fraction}`` from a mapping or ``KEY=VALUE`` texts (``--score``); UsageError
    naming the bad one. Values: ``90``, ``90.5`` or ``90,5``, from 0 to 100."""
    if not scores:
        return {}
    items = scores.items() if hasattr(scores, "items") else [_split_score(s) for s in scores]
    out = {}
    for key, value in items:
        key = str(key).strip().lower()
        if key not in GIVEN:
            raise UsageError(f"--score {key}: the ledger computes the other indicators; give "
                             f"only {' or '.join(GIVEN)} (e.g. --score capaian_output=90)")
        if key in out:
            raise UsageError(f"--score {key} is given twice; give it once")
        out[key] = _score_value(key, value)
    return out


def _split_score(text):
    key, sep, value = str(text).partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--score '{str(text)[:40]}' is not KEY=VALUE (e.g. --score "
                         "capaian_output=90 or --score dispensasi=0.25)")
    return key, value


def _score_value(key, value):
    text = str(value).strip()
    try:
        number = Decimal(text.replace(",", "."))
        if not number.is_finite() or not 0 <= number <= 100 or not re.fullmatch(
                r"[0-9]+([.,][0-9]+)?", text):
            raise InvalidOperation
    except InvalidOperation:
        raise UsageError(f"--score {key}={text[:20]}: '{text[:20]}' is not {GIVEN[key]} "
                         "(write 90, 90.5 or 90,5)") from None
    return Fraction(number)


def parse_what_if(what_if, year, as_of):
    """``[(jenis, amount, date)]`` from ``JENIS=AMOUNT@DATE`` texts (``--what-if``) or
    tuples: more realisation on a jenis, dated in the year and not after the as-of date."""
    out = []
    for item in what_if or ():
        if isinstance(item, str):
            jenis, sep, rest = item.partition("=")
            amount, at, date = rest.rpartition("@")
            if not (sep and at):
                raise UsageError(f"--what-if '{item[:40]}' is not JENIS=AMOUNT@DATE (e.g. "
                                 "--what-if 52=1.000.000.000@2025-09-30)")
        else:
            jenis, amount, date = item
        jenis = str(jenis).strip()
        if not (len(jenis) == 2 and jenis.isascii() and jenis.isdigit()):
            raise UsageError(f"--what-if jenis '{jenis[:20]}' is not a jenis belanja like 52")
        try:
            amount = parse_amount(amount.strip() if isinstance(amount, str) else amount)
        except AmountFormatError:
            amount = None
        if amount is None or not 0 < amount <= MAX_AMOUNT:
            raise UsageError(f"--what-if {jenis}=…: the amount is not whole rupiah above 0, like "
                             "1.000.000.000")
        date = reports.parse_date(date, "--what-if date")
        if date[:4] != str(year):
            raise UsageError(f"--what-if date {date} is not in {year}, the year of --as-of "
                             f"{as_of}")
        if date > as_of:
            raise UsageError(f"--what-if date {date} is after --as-of {as_of}; give --as-of "
                             f"{date} (or later) to see what it changes")
        out.append((jenis, amount, date))
    return out


# ------------------------------------------------------------------ the rule set

def shipped_years():
    """The years with a shipped rule set (``ledger_data/ikpa_rules/YEAR.json``)."""
    from . import ledger_data

    folder = os.path.join(os.path.dirname(ledger_data.__file__), RULES_FOLDER)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(int(n[:4]) for n in names if re.fullmatch(r"[0-9]{4}\.json", n))


def load_rules(year, rules=None):
    """``(rule set, {"name", "file"})`` for ``year``: ``rules`` (a file, or a mapping
    already loaded) or the shipped one for the year, else the latest earlier one. A file
    that does not hold a valid rule set is refused naming what is wrong."""
    from .names import shipped

    if rules is None:
        earlier = [y for y in shipped_years() if y <= year]
        if not earlier:
            raise UsageError(f"no IKPA rule set is shipped for {year} or an earlier year; give "
                             "one with --rules FILE")
        used = earlier[-1]
        where = f"ledger_data/{RULES_FOLDER}/{used}.json"
        spec = _parse(shipped(f"{RULES_FOLDER}/{used}.json"), where)
    elif hasattr(rules, "items"):
        where, spec = None, rules
    else:
        where = os.fspath(rules)
        try:
            with open(where, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise AnggaranError(f"cannot read the rules file {where}: "
                                f"{getattr(e, 'strerror', None) or e}") from None
        spec = _parse(text, where)
    validate(spec, where or "(given as a mapping)")
    name = spec["name"]
    if spec["year"] != year:
        why = (f"no rule set is shipped for {year}, so the latest earlier one applies"
               if rules is None else f"the rule set is for {spec['year']}")
        name = f"{name}, used for {year}: {why}"
    return spec, {"name": name, "file": where}


def _parse(text, where):
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise AnggaranError(f"rules file {where} is not JSON: line {e.lineno} column "
                            f"{e.colno}: {e.msg}") from None
    except ValueError as e:
        raise AnggaranError(f"rules file {where}: {e}") from None


def _no_constant(name):
    raise ValueError(f"{name} is not a number a rule set may hold")


# A parameter's value checks: each returns what is wrong, or None.

def _number(low=0, high=None, above=False, whole=False):
    def check(v):
        ok = (isinstance(v, (int, Decimal)) and not isinstance(v, bool)
              and (v > low if above else v >= low) and (high is None or v <= high)
              and (not whole or v == int(v)))
        if ok:
            return None
        kind = "a whole number" if whole else "a number"
        bound = f"above {low}" if above else f"from {low}"
        return f"must be {kind} {bound}" + (f" to {high}" if high is not None else " or more")
    return check


def _nullable(check):
    return lambda v: None if v is None else check(v)


def _text(v):
    return None if isinstance(v, str) and v.strip() else "must be a text"


def _digits(n, what):
    def check(v):
        if (isinstance(v, list) and v and all(isinstance(x, str) and len(x) == n
                                               and x.isascii() and x.isdigit() for x in v)):
            return None
        return f"must be a list of {what} (texts of {n} digits)"
    return check


def _month_day(v):
    import datetime as dt

    try:
        dt.date.fromisoformat(f"2024-{v}")  # a leap year: 02-29 is a day
        if re.fullmatch(r"[0-9]{2}-[0-9]{2}", v):
            return None
    except (TypeError, ValueError):
        pass
    return "must be a day of the year written MM-DD, like 03-31"


def _table(v):
    """A score table: ``[{"at_most": n, "score": s}, …, {"at_most": null, "score": s}]``,
    ``at_most`` rising; a figure at most ``at_most`` takes that row's score."""
    shape = ('must be a list of {"at_most": number, "score": number} with at_most rising and '
             'null on the last row only')
    if not isinstance(v, list) or not v:
        return shape
    last = None
    for i, row in enumerate(v):
        if not isinstance(row, dict) or set(row) != {"at_most", "score"} or _number()(row["score"]):
            return shape
        bound = row["at_most"]
        if (bound is None) != (i == len(v) - 1):
            return shape
        if bound is not None and (_number()(bound) or (last is not None and bound <= last)):
            return shape
        last = bound
    return None


def _bands(v):
    shape = ('must be a list of {"from": number, "band": text}, from falling, the last from 0')
    if not isinstance(v, list) or not v:
        return shape
    last = None
    for row in v:
        if (not isinstance(row, dict) or set(row) != {"from", "band"} or _number()(row["from"])
                or _text(row["band"]) or (last is not None and row["from"] >= last)):
            return shape
        last = row["from"]
    return None if last == 0 else shape


def _quarters(v):
    if isinstance(v, list) and len(v) == 4 and not any(_number()(x) for x in v):
        return None
    return "must be a list of 4 numbers (points for an SP2D in quarter 1 to 4)"


_WORKING_DAY = "Monday-Friday less Indonesia's national holidays"


def _working_day(v):
    return None if v == _WORKING_DAY else (f"must be \"{_WORKING_DAY}\" (the only working-day "
                                           "rule anggaran knows)")


_PCT = _number(0, 100)
_INDICATOR = {"name": _text, "weight": _number(), "formula": _text}
SCHEMA = {
    "bands": _bands, "konversi_bobot": _text,
    "indicators": {
        "revisi": {**_INDICATOR, "codes": _digits(3, "DIPA revision codes"),
                   "scores": _table, "cap": _number()},
        "deviasi": {**_INDICATOR, "tolerance_pct": _PCT,
                    "last_month": _number(1, 12, whole=True)},
        "penyerapan": {**_INDICATOR, "targets": "targets", "cap": _number()},
        "kontraktual": {
            **_INDICATOR,
            "parts": {"dini": _number(), "modal": _number(), "distribusi": _number()},
            "dini": {"jenis": _digits(2, "jenis belanja"), "above": _number(whole=True),
                     "signed_by": _month_day, "before_year": _number(), "in_year": _number()},
            "modal": {"jenis": _digits(2, "jenis belanja"), "from": _number(whole=True),
                      "to": _number(whole=True), "quarters": _quarters},
            "distribusi": {"from": _number(whole=True), "signed_by": _month_day,
                           "buckets": _table},
            "cap": _nullable(_number())},
        "tagihan": {**_INDICATOR, "working_days": _number(1, 365, whole=True),
                    "working_day": _working_day},
        "up_tup": {**_INDICATOR, "parts": {"up_revolving": _number(), "tup_on_time": _number(),
                                           "tup_returned": _number()}},
        "capaian_output": dict(_INDICATOR),
        "dispensasi": {"name": _text, "formula": _text},
    },
}


def validate(spec, where):
    """Refuse a rule set that is not what ``SCHEMA`` describes, naming the first thing
    wrong (``rules file F: indicators.deviasi.tolerance_pct.value: must be …``)."""
    def fail(path, what):
        raise AnggaranError(f"rules file {where}: {path}: {what}")

    if not isinstance(spec, dict):
        fail("(top)", "must be a JSON object")
    for key, check in (("name", _text), ("year", _number(1900, 2999, whole=True))):
        if key not in spec:
            fail(key, "is missing")
        if check(spec[key]):
            fail(key, check(spec[key]))
    _walk(spec, SCHEMA, "", fail, ("name", "year", "format", "about", "sources"))


def _walk(node, schema, path, fail, free=()):
    if not isinstance(node, dict):
        fail(path.rstrip("."), "must be a JSON object")
    for key, sub in schema.items():
        here = f"{path}{key}"
        if key not in node:
            fail(here, "is missing")
        if key == "name":  # an indicator's name: plain text
            if _text(node[key]):
                fail(here, _text(node[key]))
        elif sub == "targets":
            _targets(node[key], here, fail)
        elif isinstance(sub, dict):
            _walk(node[key], sub, here + ".", fail)
        else:
            _parameter(node[key], sub, here, fail)
    extra = sorted(set(node) - set(schema) - set(free))
    if extra:
        fail(f"{path}{extra[0]}", f"is not a key here (expected {', '.join(schema)})")


def _parameter(node, check, path, fail):
    if not isinstance(node, dict) or not {"value", "source", "confirmed"} <= set(node):
        fail(path, 'must be a parameter {"value": …, "source": "…", "confirmed": true|false}')
    extra = sorted(set(node) - {"value", "source", "confirmed", "note"})
    if extra:
        fail(f"{path}.{extra[0]}", "is not a key of a parameter (value, source, confirmed, note)")
    if _text(node["source"]):
        fail(f"{path}.source", "must be a text naming where the value comes from")
    if not isinstance(node["confirmed"], bool):
        fail(f"{path}.confirmed", "must be true or false")
    if "note" in node and _text(node["note"]):
        fail(f"{path}.note", "must be a text")
    problem = check(node["value"])
    if problem:
        fail(f"{path}.value", f"{problem}, not {json.dumps(node['value'], default=str)[:60]}")


def _targets(node, path, fail):
    if not isinstance(node, dict) or not node:
        fail(path, "must map a jenis belanja (\"52\") to its 4 quarterly targets")
    for jenis, cells in node.items():
        if _digits(2, "")([jenis]):
            fail(f"{path}.{jenis}", "is not a jenis belanja like 52")
        if not isinstance(cells, list) or len(cells) != 4:
            fail(f"{path}.{jenis}", "must be a list of 4 parameters (quarters 1 to 4)")
        for q, cell in enumerate(cells):
            _parameter(cell, _number(0, 100, above=True), f"{path}.{jenis}[{q}]", fail)


# ------------------------------------------------------------------ assessing

class _Scene:
    """What every indicator reads: the ledger, the year, the as-of date, the last seq
    known, the what-if realisations and the given scores."""

    def __init__(self, ledger, year, as_of, max_seq, changes, given):
        self.ledger, self.conn = ledger, ledger.conn
        self.year, self.as_of, self.max_seq = year, as_of, max_seq
        self.changes, self.given = changes, given
        self._contracts = None
        self._jenis = None

    def figures(self, day):
        """``{jenis: Figures}`` at the end of ``day`` (rpd.JenisFigures: one fold for all
        the days asked with --known-at)."""
        if self._jenis is None:
            self._jenis = rpd.JenisFigures(self.ledger, self.year, self.as_of, self.max_seq)
        return self._jenis.at(day)

    def contracts(self):
        """``(contracts by number, [SP2Ds naming one])`` of the year by D, as known."""
        if self._contracts is None:
            self._contracts = _read_contracts(self)
        return self._contracts


class _Indicator:
    """One indicator being assessed: its trace, its score (a Fraction, None when not
    assessed) and the unconfirmed parameters it rests on."""

    def __init__(self, key, spec, rules):
        self.key, self.spec, self.rules = key, spec, rules
        self.weight = spec["weight"]["value"] if "weight" in spec else None
        self.trace, self.score, self.unconfirmed = [], None, {}

    @property
    def assessed(self):
        return self.score is not None

    def __call__(self, *path):
        """The value of a parameter of this indicator, which the score then rests on."""
        return self.take(self._node(path), ".".join(map(str, path)))

    def peek(self, *path):
        """A parameter's value, without resting on it (yet)."""
        return self._node(path)["value"]

    def _node(self, path):
        node = self.spec
        for key in path:
            node = node[key]
        return node

    def take(self, node, name):
        """A parameter's value (any of the rule set's), which the score then rests on."""
        if not node["confirmed"]:
            self.unconfirmed.setdefault(name)
        return node["value"]

    def line(self, text):
        self.trace.append(text)

    def as_dict(self):
        unconfirmed = self.assessed and bool(self.unconfirmed)
        trace = list(self.trace)
        if unconfirmed:
            trace.append("* rests on parameters the rule set marks unconfirmed: "
                         + ", ".join(self.unconfirmed))
        return {"key": self.key, "name": self.spec["name"], "weight": self.weight,
                "assessed": self.assessed,
                "score": None if self.score is None else rpd.rounded(self.score),
                "unconfirmed": unconfirmed, "trace": trace}


def _assess(key, rules, scene):
    indicator = _Indicator(key, rules["indicators"][key], rules)
    indicator("formula")  # every score rests on its indicator's formula
    ASSESS[key](scene, indicator)
    return indicator


def _pct(value):
    """A Fraction percentage as a trace shows it: ``69,23``."""
    return format_percent(rpd.rounded(Fraction(value)), "id")


def _num(value):
    """A rule-set number as a trace shows it: ``20``, ``20,5``."""
    return str(value).replace(".", ",")


def _listed(ind, lines, what):
    """Trace ``lines`` one by one, up to TRACE_ITEMS, then how many more."""
    for text in lines[:TRACE_ITEMS]:
        ind.line(text)
    if len(lines) > TRACE_ITEMS:
        ind.line(f"… and {len(lines) - TRACE_ITEMS} more {what}")


def _combine(ind, parts):
    """Σ weight × score / Σ weight over the parts present, ``[(name, score)]``, each
    weighted by the indicator's ``parts`` (konversi bobot inside it when some part has
    nothing to measure); None when they weigh nothing."""
    weights = {name: Fraction(ind("parts", name)) for name, _s in parts}
    if len(parts) < len(ind.spec["parts"]):
        ind.take(ind.rules["konversi_bobot"], "konversi_bobot")
    total = sum(weights.values())
    if total == 0:
        ind.line("the parts present weigh 0: nothing to measure")
        return None
    score = sum(weights[n] * s for n, s in parts) / total
    terms = " + ".join(f"{_num(ind.peek('parts', n))} × {_pct(s)}" for n, s in parts)
    ind.line(f"({terms}) / {_pct(total).removesuffix(',00')} = {_pct(score)}")
    return score


# ------------------------------------------------------------------ revisi

def _revisi(scene, ind):
    y, d = scene.year, scene.as_of
    if scene.conn.execute(f"SELECT 1 FROM events e WHERE year = ? AND {store.IS_CEILING} AND "
                          f"date <= ? AND seq <= ? AND {_LIVE} LIMIT 1",
                          (y, d, scene.max_seq, scene.max_seq)).fetchone() is None:
        return ind.line(f"no ceiling (DIPA) of {y} recorded by {d}: nothing to measure")
    counted = set(ind("codes"))
    rows = scene.conn.execute(
        f"SELECT date, ref, revision FROM events e WHERE year = ? AND {store.IS_CEILING} AND "
        f"kind IN ('revise', 'shift') AND date <= ? AND seq <= ? AND {_LIVE} ORDER BY date, seq",
        (y, d, scene.max_seq, scene.max_seq)).fetchall()
    scores, left_out = [], {}
    for half, start, end in ((1, f"{y}-01-01", f"{y}-06-30"), (2, f"{y}-07-01", f"{y}-12-31")):
        if start > d:
            break
        refs = {}
        for date, ref, revision in rows:
            if start <= date <= end:
                if revision in counted:
                    refs.setdefault(ref, revision)
                else:
                    left_out[revision or "pok"] = left_out.get(revision or "pok", 0) + 1
        score = next(r["score"] for r in ind("scores")
                     if r["at_most"] is None or len(refs) <= r["at_most"])
        scores.append(Fraction(score))
        names = ", ".join(f"{ref} [{code}]" for ref, code in refs.items())
        ind.line(f"semester {'I' * half} ({start} to {min(end, d)}): {len(refs)} pagu-tetap "
                 f"revision{'' if len(refs) == 1 else 's'}{f' ({names})' if names else ''} → "
                 f"{_num(score)}")
    if left_out:
        ind.line("not counted: " + ", ".join(
            f"{n} POK revision event{'s' * (n > 1)}" if code == "pok" else
            f"{n} event{'s' * (n > 1)} with code {code} (not pagu tetap)"
            for code, n in sorted(left_out.items(), key=lambda kv: kv[0] != "pok")))
    mean = sum(scores) / len(scores)
    cap = ind.peek("cap")
    ind.score = mean
    what = f"mean of {len(scores)} semester{'s' if len(scores) > 1 else ''}: {_pct(mean)}"
    if mean > cap:
        ind.score = Fraction(ind("cap"))
        what += f", at most {_num(cap)}"
    ind.line(f"{what} → {_pct(ind.score)}")


# ------------------------------------------------------------------ deviasi

def _deviasi(scene, ind):
    y, d = scene.year, scene.as_of
    if not rpd.plans(scene.conn, y, d, scene.max_seq):
        return ind.line(f"no RPD (plan, Halaman III DIPA) of {y} recorded by {d}: nothing to "
                        "measure (record it with 'record rpd' or import the RPD sheet)")
    months, _average = rpd.compute(scene.ledger, y, d, scene.max_seq)
    for jenis, amount, date in scene.changes:
        _what_if_month(ind, months, jenis, amount, date)
    last = ind("last_month")
    counted = [m for m in months[:last] if m["full"] and m["weighted"] is not None]
    if not counted:
        return ind.line(f"no full month of {y} up to {d} with a base (ceiling − blokir) yet: "
                        "nothing to measure")
    for m in counted:
        ind.line(f"{m['month']}: weighted deviation {_pct(m['weighted'])} %")
    # rpd's average_deviation_pct as it prints it (rounded half-up to 2 decimals): the
    # figure the officer sees is the one scored, so 5,00 % is within the tolerance.
    mean = Fraction(str(rpd.rounded(sum(m["weighted"] for m in counted) / len(counted))))
    ind.line(f"mean of {len(counted)} full month{'s' if len(counted) > 1 else ''} "
             f"({counted[0]['month']} to {counted[-1]['month']}, at most month {last}): "
             f"{_pct(mean)} %")
    tolerance = ind("tolerance_pct")
    if mean <= tolerance:
        ind.score = Fraction(100)
        ind.line(f"{_pct(mean)} % is at most the tolerance of {_num(tolerance)} % → 100,00")
    else:
        ind.score = max(Fraction(0), 100 - mean)
        ind.line(f"{_pct(mean)} % is above the tolerance of {_num(tolerance)} % → "
                 f"100 − {_pct(mean)} = {_pct(ind.score)}")


def _what_if_month(ind, months, jenis, amount, date):
    month = next((m for m in months if m["month"] == date[:7]), None)
    row = month and month["jenis"].get(jenis)
    ind.line(f"what-if: {rupiah(amount)} more realised on jenis {jenis} on {date} (not in the "
             "ledger)" + ("" if row else f"; jenis {jenis} has no plan or base in {date[:7]}"))
    if not row:
        return
    row["realised"] += amount
    row["deviation"] = rpd.deviation(row["plan"], row["realised"])
    total = sum(r["base"] for r in month["jenis"].values() if r["base"])
    if total:
        month["weighted"] = Fraction(sum(r["deviation"] * r["base"]
                                         for r in month["jenis"].values() if r["base"]), total)


# ------------------------------------------------------------------ penyerapan

def _penyerapan(scene, ind):
    y, d = scene.year, scene.as_of
    ends = [(q, f"{y}-{end}") for q, end in enumerate(QUARTER_ENDS, start=1) if f"{y}-{end}" <= d]
    if not ends:
        return ind.line(f"no quarter of {y} has ended by {d} (the first ends on {y}-03-31): "
                        "not assessed yet")
    targets, cap = ind.spec["targets"], ind.peek("cap")
    ind.line("absorption = realised / (ceiling − blokir) at the quarter's end, per jenis")
    for jenis, amount, date in scene.changes:
        ind.line(f"what-if: {rupiah(amount)} more realised on jenis {jenis} on {date} (not in "
                 "the ledger)" + ("" if jenis in targets else f"; jenis {jenis} has no target"))
    scores = []
    for q, end in ends:
        rows, untargeted = [], []
        for jenis, f in sorted(scene.figures(end).items()):
            base = f.ceiling - f.blocked
            if base <= 0:
                continue
            if jenis not in targets:
                untargeted.append(jenis)
                continue
            extra = sum(a for j, a, date in scene.changes if j == jenis and date <= end)
            rows.append((jenis, base, f.realised + extra))
        if untargeted:
            ind.line(f"Q{q}: no target for jenis {', '.join(untargeted)}, which take no part")
        if not rows:
            ind.line(f"Q{q} (to {end}): no jenis with a target has a base (ceiling − blokir): "
                     "not scored")
            continue
        bases = sum(base for _j, base, _r in rows)
        quarter = Fraction(0)
        for jenis, base, realised in rows:
            target = ind.take(targets[jenis][q - 1], f"targets.{jenis}.Q{q}")
            absorbed = Fraction(100 * realised, base)
            score = uncapped = absorbed * 100 / Fraction(target)
            capped = ""
            if score > cap:
                capped = f", at most {_num(cap)} → {_pct(cap)}"
                score = Fraction(ind("cap"))
            share = Fraction(base, bases)
            quarter += score * share
            ind.line(f"Q{q} jenis {jenis}: realised {rupiah(realised)} of {rupiah(base)} = "
                     f"{_pct(absorbed)} %, target {_num(target)} % → {_pct(uncapped)}{capped}; "
                     f"share {_pct(share * 100)} %")
        scores.append(quarter)
        ind.line(f"Q{q} (to {end}): Σ score × share = {_pct(quarter)}")
    if not scores:
        return ind.line("no quarter could be scored: nothing to measure")
    ind.score = sum(scores) / len(scores)
    ind.line(f"mean of {len(scores)} quarter{'s' if len(scores) > 1 else ''}: {_pct(ind.score)}")


# ------------------------------------------------------------------ contracts

# The events of a year naming a contract, dated by D, recorded and not voided by seq T
# (through the events_contract index: the cost grows with them, not with the log).
_NAMING = f"""
SELECT e.contract, e.kind, e.date, e.amount, e.ref, e.bast_date FROM events e
WHERE e.year = ? AND e.contract IS NOT NULL AND e.date <= ? AND e.seq <= ? AND {_LIVE}
ORDER BY e.date, e.seq
"""


def _read_contracts(scene):
    y, d, m = scene.year, scene.as_of, scene.max_seq
    found = {}
    for _seq, ref, date, signed, _code, akun, _supplier, amount in scene.conn.execute(
            contracts.REGISTERED, (y, d, m, m)):
        found[ref] = {"ref": ref, "date": date, "signed": signed or date,
                      "jenis": codes.jenis_of(akun), "value": amount, "paid": 0,
                      "payments": [], "closed": False}
    sp2ds = []
    for number, kind, date, amount, ref, bast_date in scene.conn.execute(_NAMING, (y, d, m, m)):
        c = found.get(number)
        if kind == "sp2d":
            sp2ds.append((ref, number, date, bast_date))
        if c is None:
            continue
        if kind == "contract_change":
            c["value"] += amount
        elif kind == "contract_close":
            c["closed"] = True
        elif kind == "sp2d":
            c["paid"] += amount
            c["payments"].append(date)
    return found, sp2ds


def _kontraktual(scene, ind):
    y, d = scene.year, scene.as_of
    found, _sp2ds = scene.contracts()
    if not found:
        return ind.line(f"no contract of {y} registered by {d}: nothing to measure")
    parts = [(name, score) for name, score in
             (("dini", _dini(ind, found, y)), ("modal", _modal(ind, found)),
              ("distribusi", _distribusi(ind, found, y))) if score is not None]
    if not parts:
        return ind.line("no contract meets the terms of any part: nothing to measure")
    score = _combine(ind, parts)
    if score is None:
        return
    cap = ind.peek("cap")
    if cap is None and score > 100:
        ind("cap")  # the score rests on there being no cap
        ind.line("no cap: the score may exceed 100")
    elif cap is not None and score > cap:
        score = Fraction(ind("cap"))
        ind.line(f"at most {_num(cap)} → {_pct(score)}")
    ind.score = score


def _dini(ind, found, y):
    jenis, above = ind.peek("dini", "jenis"), ind.peek("dini", "above")
    cutoff = f"{y}-{ind.peek('dini', 'signed_by')}"
    pool = [c for c in found.values() if c["jenis"] in jenis and c["value"] > above]
    if not pool:
        ind.line(f"kontrak dini: no contract of jenis {'/'.join(jenis)} above "
                 f"{rupiah(above)}: part left out")
        return None
    points, lines = [], []
    for c in pool:
        if c["signed"] > cutoff:
            lines.append(f"kontrak dini: {c['ref']} ({c['jenis']}, {rupiah(c['value'])}) signed "
                         f"{c['signed']}, after {cutoff}: not early")
            continue
        before = c["signed"] < f"{y}-01-01"
        p = ind("dini", "before_year" if before else "in_year")
        points.append(Fraction(p))
        when = "before 1 January" if before else f"by {cutoff}"
        lines.append(f"kontrak dini: {c['ref']} ({c['jenis']}, {rupiah(c['value'])}) signed "
                     f"{c['signed']}, {when} → {_num(p)}")
    _listed(ind, lines, "contracts")
    if not points:
        ind.line(f"kontrak dini: none of {len(pool)} eligible contracts was signed by {cutoff}: "
                 "part left out")
        return None
    for key in ("jenis", "above", "signed_by"):
        ind("dini", key)
    score = sum(points) / len(points)
    ind.line(f"kontrak dini: {len(points)} of {len(pool)} eligible contracts signed by {cutoff}, "
             f"mean {_pct(score)}")
    return score


def _modal(ind, found):
    jenis, low, high = (ind.peek("modal", k) for k in ("jenis", "from", "to"))
    pool = [c for c in found.values() if c["jenis"] in jenis and low <= c["value"] <= high]
    if not pool:
        ind.line(f"akselerasi belanja modal: no contract of jenis {'/'.join(jenis)} from "
                 f"{rupiah(low)} to {rupiah(high)}: part left out")
        return None
    points, lines = [], []
    for c in pool:
        n = len(c["payments"])
        head = f"akselerasi belanja modal: {c['ref']} ({rupiah(c['value'])})"
        if n == 1 and (c["closed"] or c["paid"] >= c["value"]):
            q = (int(c["payments"][0][5:7]) - 1) // 3 + 1
            p = ind("modal", "quarters")[q - 1]
            points.append(Fraction(p))
            lines.append(f"{head} paid by one SP2D on {c['payments'][0]} (Q{q}) → {_num(p)}")
        elif n == 0:
            lines.append(f"{head} not paid yet: not counted")
        elif n == 1:
            lines.append(f"{head} paid {rupiah(c['paid'])} by one SP2D so far: not counted until "
                         "paid in full")
        else:
            lines.append(f"{head} paid by {n} SP2Ds (instalments): not counted")
    _listed(ind, lines, "contracts")
    if not points:
        ind.line("akselerasi belanja modal: no eligible contract paid in full by one SP2D yet: "
                 "part left out")
        return None
    for key in ("jenis", "from", "to"):
        ind("modal", key)
    score = sum(points) / len(points)
    ind.line(f"akselerasi belanja modal: mean of {len(points)} → {_pct(score)}")
    return score


def _distribusi(ind, found, y):
    low = ind.peek("distribusi", "from")
    pool = [c for c in found.values() if c["value"] >= low]
    if not pool:
        ind.line(f"distribusi: no contract of {rupiah(low)} or more: part left out")
        return None
    ind("distribusi", "from")
    cutoff = f"{y}-{ind('distribusi', 'signed_by')}"
    early = sum(1 for c in pool if c["signed"] <= cutoff)
    share = Fraction(100 * early, len(pool))
    score = next(r["score"] for r in ind("distribusi", "buckets")
                 if r["at_most"] is None or share <= r["at_most"])
    ind.line(f"distribusi: {early} of {len(pool)} contracts of {rupiah(low)} or more signed by "
             f"{cutoff} = {_pct(share)} % → {_num(score)}")
    return Fraction(score)


# ------------------------------------------------------------------ tagihan

def _tagihan(scene, ind):
    from . import workdays

    y, d = scene.year, scene.as_of
    _found, sp2ds = scene.contracts()
    paid = [s for s in sp2ds if s[3] is not None]
    if not paid:
        return ind.line(f"no SP2D of {y} up to {d} names a contract and carries a bast_date: "
                        "nothing to measure")
    limit = ind("working_days")
    ind("working_day")
    years = sorted({int(s[3][:4]) for s in paid} | {int(s[2][:4]) for s in paid})
    for year in years:
        if not workdays.covered(year):
            ind.line(f"the holiday calendar does not cover {year}: Monday to Friday only")
        elif workdays.estimated(year):
            ind.line(f"the holiday calendar estimates some holidays of {year}: "
                     + ", ".join(workdays.estimated(year)))
    on_time, late, lines = 0, [], []
    for ref, contract, date, bast in paid:
        days = workdays.working_days_after(bast, date)
        text = (f"SP2D {ref} (contract {contract}): BAST {bast}, paid {date}: {days} working "
                f"day{'' if days == 1 else 's'}")
        if days <= limit:
            on_time += 1
            lines.append(f"{text} → on time")
        else:
            late.append(f"{text} → late (due by {workdays.add_working_days(bast, limit)})")
    if len(paid) <= TRACE_ITEMS:
        for text in lines + late:
            ind.line(text)
    else:
        _listed(ind, late, "late SP2Ds")
    ind.score = Fraction(100 * on_time, len(paid))
    ind.line(f"{on_time} of {len(paid)} paid within {limit} working days of the BAST = "
             f"{_pct(ind.score)}")


# ------------------------------------------------------------------ up_tup

def _up_tup(scene, ind):
    from .rules import month_end

    y, d, conn, m = scene.year, scene.as_of, scene.conn, scene.max_seq
    parts = []
    # UP revolving: the months ended by D that began with UP outstanding; which had a GUP.
    by_month = {month: (moved, gups) for month, moved, gups in conn.execute(
        "SELECT substr(date, 1, 7), SUM(outstanding), SUM(CASE WHEN kind IN ('gup', "
        "'gup_nihil') AND amount > 0 THEN 1 WHEN kind IN ('gup', 'gup_nihil') AND amount < 0 "
        "THEN -1 ELSE 0 END) FROM cash WHERE year = ? AND "
        "account = 'up' AND tup IS NULL AND date <= ? AND seq <= ? GROUP BY 1", (y, d, m))}
    outstanding, held, revolved = 0, [], []
    for n in range(1, 13):
        month = f"{y}-{n:02d}"
        if month_end(month) > d:
            break
        if outstanding > 0:
            held.append(month)
            if by_month.get(month, (0, 0))[1] > 0:
                revolved.append(month)
        outstanding += by_month.get(month, (0, 0))[0]
    if held:
        score = Fraction(100 * len(revolved), len(held))
        parts.append(("up_revolving", score))
        ind.line(f"UP revolving: {len(held)} month{'s' if len(held) > 1 else ''} ended by {d} "
                 f"began with UP outstanding ({', '.join(held)}); with a GUP or GUP nihil: "
                 f"{', '.join(revolved) or 'none'} → {len(revolved)} of {len(held)} = "
                 f"{_pct(score)}")
    else:
        ind.line(f"UP revolving: no month ended by {d} began with UP outstanding: part left out")
    tups = bendahara.tups(conn, y, d, m)
    due = [t for t in tups if t["due"] <= d]
    if due:
        lines, on_time = [], 0
        for t in due:
            ok = t["status"] == "settled" and t["settled_on"] <= t["due"]
            on_time += ok
            how = (f"settled {t['settled_on']}" if t["status"] == "settled"
                   else f"not settled ({rupiah(t['outstanding'])} outstanding)")
            lines.append(f"TUP {t['ref']} of {t['date']}, due {t['due']}: {how} → "
                         f"{'on time' if ok else 'late'}")
        _listed(ind, lines, "TUPs")
        score = Fraction(100 * on_time, len(due))
        parts.append(("tup_on_time", score))
        ind.line(f"TUP on time: {on_time} of {len(due)} due by {d} = {_pct(score)}")
    else:
        ind.line(f"TUP on time: no TUP due by {d}: part left out")
    if tups:
        amount = sum(t["amount"] for t in tups)
        returned = sum(t["returned"] for t in tups)
        score = 100 - Fraction(100 * returned, amount)
        parts.append(("tup_returned", score))
        ind.line(f"TUP returned: {rupiah(returned)} of {rupiah(amount)} "
                 f"({_pct(Fraction(100 * returned, amount))} %) → {_pct(score)}")
    else:
        ind.line(f"TUP returned: no TUP of {y} by {d}: part left out")
    if not parts:
        ind.trace[:] = [f"no UP outstanding at the start of a month ended by {d} and no TUP "
                        f"of {y}: nothing to measure"]
        return
    ind.score = _combine(ind, parts)


# ------------------------------------------------------------------ given

def _capaian_output(scene, ind):
    value = scene.given.get("capaian_output")
    if value is None:
        return ind.line("not in the ledger: give it with --score capaian_output=N (0 to 100)")
    ind.score = value
    ind.line(f"given with --score capaian_output: {_pct(value)}")


def _dispensasi(scene, ind):
    value = scene.given.get("dispensasi")
    if value is None:
        return ind.line("not in the ledger: give it with --score dispensasi=N; none given, "
                        "so nothing is deducted")
    ind.score = value
    ind.line(f"given with --score dispensasi: {_pct(value)}, deducted from the total")


ASSESS = {"revisi": _revisi, "deviasi": _deviasi, "penyerapan": _penyerapan,
          "kontraktual": _kontraktual, "tagihan": _tagihan, "up_tup": _up_tup,
          "capaian_output": _capaian_output, "dispensasi": _dispensasi}
