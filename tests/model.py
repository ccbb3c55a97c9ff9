"""A plain in-memory model of the contract's rules and projections, written
independently of the library, for the property and stateful tests."""

from collections import defaultdict

CEILING_KINDS = {"pagu", "revise", "cut", "grant", "carry_over", "shift"}
# Every money event carries its document number (contract v2.0); only ``name`` has none.
NEEDS_REF = CEILING_KINDS | {"lock", "unlock", "sp2d", "correction", "refund"}


def sides(e):
    """(code, akun, dc, dl, dr, creates, ceiling_affecting) per line the event moves."""
    k, a = e["kind"], e.get("amount")
    code, akun = e.get("code"), e.get("akun")
    fc, fa = e.get("from_code"), e.get("from_akun")
    table = {
        "pagu": [(code, akun, a, 0, 0, True, True)],
        "grant": [(code, akun, a, 0, 0, True, True)],
        "revise": [(code, akun, a, 0, 0, a is not None and a > 0, True)],
        "cut": [(code, akun, -a if a else 0, 0, 0, False, True)],
        "carry_over": [(code, akun, -a if a else 0, 0, 0, False, True)],
        "shift": [(fc, fa, -a if a else 0, 0, 0, False, True), (code, akun, a, 0, 0, True, True)],
        "lock": [(code, akun, 0, a, 0, False, False)],
        "unlock": [(code, akun, 0, -a if a else 0, 0, False, False)],
        "sp2d": [(code, akun, 0, 0, a, False, False)],
        "refund": [(code, akun, 0, 0, -a if a else 0, False, False)],
        "correction": [(fc, fa, 0, 0, -a if a else 0, False, False), (code, akun, 0, 0, a, False, False)],
        "name": [],
    }
    return table[k]


def year(e):
    return int(e["date"][:4])


def key(e):
    """Rule 6's key: an SP2D number per year; any other money event by its kind, year,
    ref and the lines it names; ``name`` has none (only an identical one is skipped)."""
    if e["kind"] == "sp2d":
        return ("sp2d", year(e), e["ref"])
    if e["kind"] == "name":
        return None
    return (e["kind"], year(e), e.get("ref"), e.get("code"), e.get("akun"), e.get("from_code"),
            e.get("from_akun"))


class Model:
    def __init__(self):
        self.log = []  # every appended event, voids included, in seq order (seq = index + 1)
        self.voided = set()  # the seqs voided

    @property
    def events(self):
        """The events that count: not voids, not voided (a voided event never happened)."""
        return [e for seq, e in enumerate(self.log, 1)
                if e["kind"] != "void" and seq not in self.voided]

    def levels(self, events, y, code):
        out = set()
        for e in events:
            if year(e) != y:
                continue
            for c, a, *_rest, affecting in sides(e):
                if c == code and affecting:
                    out.add("akun" if a else "code")
        return out

    def line(self, events, y, code, akun):
        return (code, akun if "akun" in self.levels(events, y, code) else "")

    def has_create(self, events, y, code, line_akun):
        for e in events:
            if year(e) != y:
                continue
            for c, a, _dc, _dl, _dr, creates, _aff in sides(e):
                if creates and c == code and (a or "") == line_akun:
                    return True
        return False

    def decide(self, e):
        """'skip', 'ok' or the rule number that refuses e."""
        verdict = self.decide_batch([e])
        if isinstance(verdict, int):
            return verdict
        return "ok" if verdict[0] else "skip"

    def decide_batch(self, batch):
        """(new events, skipped count), or the rule number that refuses the whole batch.

        The checks run in the ledger's documented order: per row, rules 1 (a money event
        needs its ref) and 2, identity, 6 (the same key with other content) and 3; then per
        new event rules 4 and 7 against the whole result; then rule 5."""
        new, skipped = [], 0
        for e in batch:
            if e["kind"] in NEEDS_REF and e.get("ref") is None:
                return 1
            if e.get("amount") is not None:
                if e["kind"] == "revise" and e["amount"] == 0:
                    return 2
                if e["kind"] != "revise" and e["amount"] <= 0:
                    return 2
            if e["kind"] in ("shift", "correction") and \
                    (e["from_code"], e.get("from_akun")) == (e["code"], e.get("akun")):
                return 1  # moves nothing
            if e in new:
                skipped += 1
                continue
            if e in self.log:  # identical to a recorded event: skipped, unless it was voided
                if self.log.index(e) + 1 in self.voided:
                    return 6
                skipped += 1
                continue
            y = year(e)
            if key(e) is not None and any(key(old) == key(e) for old in self.events + new):
                return 6  # identical ones were skipped above: this one has other content
            for old in self.events + new:
                if old["kind"] == "pagu" == e["kind"] and year(old) == y and old["code"] == e["code"] \
                        and old.get("akun") == e.get("akun"):
                    return 3
            new.append(e)
        after = self.events + new
        for e in new:
            rule = self._rules_4_7(after, e)
            if rule:
                return rule
        if new and self.breaks(after):
            return 5
        return new, skipped

    def _rules_4_7(self, after, e):
        y = year(e)
        for c, a, _dc, _dl, _dr, creates, _aff in sides(e):
            lv = self.levels(after, y, c)
            if len(lv) > 1:
                return 4
            if creates:
                continue
            if not lv:
                return 4
            if "akun" in lv and (a is None or not self.has_create(after, y, c, a)):
                return 4
            if "code" in lv and not self.has_create(after, y, c, ""):
                return 4
        if e["kind"] in ("correction", "refund") and e.get("sp2d"):
            orig = [o for o in after if o["kind"] == "sp2d" and year(o) == y and o["ref"] == e["sp2d"]]
            if not orig:
                return 7
            o = orig[0]
            sp_line = self.line(after, y, o["code"], o.get("akun"))
            if e["date"] < o["date"]:
                return 7  # a refund or correction cannot precede its SP2D
            # v2.0: the from-line (correction) or line (refund) is the SP2D's, and so is
            # the akun, also where the line is code-level
            if e["kind"] == "correction":
                if self.line(after, y, e["from_code"], e.get("from_akun")) != sp_line:
                    return 7
                if e.get("from_akun") != o.get("akun"):
                    return 7
                total = sum(x["amount"] for x in after if x["kind"] == "correction"
                            and year(x) == y and x["sp2d"] == e["sp2d"])
                if total > o["amount"]:
                    return 7
            elif self.line(after, y, e["code"], e.get("akun")) != sp_line \
                    or e.get("akun") != o.get("akun"):
                return 7
        return None

    def apply(self, e):
        verdict = self.decide(e)
        if verdict == "ok":
            self.log.append(e)
        return verdict

    def apply_batch(self, batch):
        verdict = self.decide_batch(batch)
        if not isinstance(verdict, int):
            self.log.extend(verdict[0])
        return verdict

    def decide_void(self, v):
        """'skip', 'ok' or the rule that refuses void ``v`` (rule 10: it names a recorded
        event that is not a void, and the ledger without that event keeps rules 4, 5 and 7;
        rule 6: a void is keyed by the seq it voids, so another void of it is refused)."""
        target = v["voids"]
        if not 1 <= target <= len(self.log) or self.log[target - 1]["kind"] == "void":
            return 10
        if v in self.log:
            return "skip"
        if target in self.voided:
            return 6
        after = [e for seq, e in enumerate(self.log, 1)
                 if e["kind"] != "void" and seq not in self.voided and seq != target]
        if any(self._rules_4_7(after, e) for e in after) or self.breaks(after):
            return 10
        return "ok"

    def apply_void(self, v):
        verdict = self.decide_void(v)
        if verdict == "ok":
            self.log.append(v)
            self.voided.add(v["voids"])
        return verdict

    def deltas(self, events):
        """{(year, line): {date: [dc, dl, dr]}}"""
        out = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        for e in events:
            y = year(e)
            for c, a, dc, dl, dr, _cr, _aff in sides(e):
                d = out[(y, self.line(events, y, c, a))][e["date"]]
                d[0] += dc
                d[1] += dl
                d[2] += dr
        return out

    def breaks(self, events):
        for days in self.deltas(events).values():
            c = l = r = 0
            for date in sorted(days):
                dc, dl, dr = days[date]
                c, l, r = c + dc, l + dl, r + dr
                if c < 0 or l < 0 or r < 0 or r + l > c:
                    return True
        return False

    def figures(self, as_of, period_start):
        """{'CODE/AKUN': (ceiling, locked, realised, realised_before)} as of a date."""
        y = int(as_of[:4])
        out = {}
        for (yy, (code, akun)), days in self.deltas(self.events).items():
            if yy != y or not any(d <= as_of for d in days):
                continue
            c = sum(v[0] for d, v in days.items() if d <= as_of)
            l = sum(v[1] for d, v in days.items() if d <= as_of)
            r = sum(v[2] for d, v in days.items() if d <= as_of)
            rb = sum(v[2] for d, v in days.items() if d < period_start)
            out[f"{code}/{akun}"] = (c, l, r, rb)
        return out
