"""One error hierarchy. The CLI prints any of these as a single ``Error: ...`` line."""


class AnggaranError(Exception):
    """Base class: a refusal the user can act on (exit status 1)."""


class LedgerError(AnggaranError):
    """The ledger file itself is missing, unreadable, not a ledger, or locked."""


class UsageError(AnggaranError):
    """A command was called with options that do not fit together (exit status 2)."""


class RuleError(AnggaranError):
    """A budget rule (1-9 of the contract) refuses an event.

    Attributes:
      rule: the rule number.
      what: the message after ``rule K:``.
      row: the data row of an import file (1-based), or None.
    """

    def __init__(self, rule, what, row=None):
        self.rule = rule
        self.what = what
        self.row = row
        super().__init__(str(self))

    def at_row(self, row):
        """The same refusal, naming the import row it came from."""
        return RuleError(self.rule, self.what, row)

    def __str__(self):
        prefix = f"row {self.row}: " if self.row is not None else ""
        return f"{prefix}rule {self.rule}: {self.what}"


class VerifyError(AnggaranError):
    """``verify`` found the log, chain, projections or a seal not intact.

    Attributes:
      seq: the first bad sequence number (None when the fault is not one event's).
    """

    def __init__(self, what, seq=None):
        self.seq = seq
        super().__init__(what)
