"""docs/reference.md and ``anggaran rules`` stay true to the code: every kind of the kinds
table has its section with exactly its fields and Indonesian names, every rule the code can
raise has its section and its text in both languages, and every header name the importer
accepts is listed."""

import re
from pathlib import Path

import pytest

from anggaran import importers, kinds, reference
from anggaran.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
# A rule's section starts with a line "### Rule K " (then a dash and its title).
RULE_HEADING = re.compile(r"^### Rule (\d+) ", re.M)
# The rule numbers the code raises: RuleError(<number>, ...) anywhere in the library or CLI.
RAISED = re.compile(r"RuleError\(\s*(\d+)\s*,")


def sections(part, heading):
    """``{name: text}`` of the level-3 sections of the level-2 section ``part`` whose
    heading matches ``heading`` (one group: the name)."""
    body = PAGE.split(f"\n## {part}\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    pieces = re.split(r"^### (.*)$", body, flags=re.M)
    for title, text in zip(pieces[1::2], pieces[2::2]):
        m = re.fullmatch(heading, title.strip())
        if m:
            found[m.group(1)] = text
    return found


KIND_SECTIONS = sections("Events", r"`([a-z_0-9]+)`")


def listed(text, label):
    """The backticked words on the line ``**label:** ...`` of a section."""
    line = re.search(rf"^\*\*{label}:\*\*(.*)$", text, re.M)
    assert line, f"no '{label}:' line"
    return re.findall(r"`([^`]+)`", line.group(1))


def raised_rules():
    numbers = set()
    for folder in ("anggaran", "cli"):
        for path in (ROOT / folder).glob("*.py"):
            numbers |= {int(n) for n in RAISED.findall(path.read_text(encoding="utf-8"))}
    return numbers


def flat(text):
    return " ".join(text.split())


def test_every_kind_of_the_table_has_a_section_and_no_other_kind_does():
    assert set(KIND_SECTIONS) == set(kinds.KINDS)


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_a_kind_section_lists_exactly_its_fields(kind):
    spec = kinds.KINDS[kind]
    text = KIND_SECTIONS[kind]
    assert set(listed(text, "Required")) == set(spec.required)
    assert set(listed(text, "Optional")) == set(spec.optional)


@pytest.mark.parametrize("alias", sorted(kinds.ALIASES))
def test_every_indonesian_name_is_written_under_its_kind(alias):
    kind = kinds.ALIASES[alias]
    assert alias.replace("_", " ") in listed(KIND_SECTIONS[kind], "Also written")
    assert f"`{alias.replace('_', ' ')}`" in PAGE.split("### `pagu`")[0]  # the overview table


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_every_name_written_under_a_kind_means_that_kind(kind):
    for word in listed(KIND_SECTIONS[kind], "Also written"):
        assert kinds.kind_name(word) == kind, word


def test_every_rule_the_code_raises_has_a_section_and_words_in_both_languages():
    raised = raised_rules()
    assert {1, 2, 5, 9} <= raised, "the scan for RuleError(<number>, ...) found too little"
    documented = [int(n) for n in RULE_HEADING.findall(PAGE)]
    assert documented == sorted(set(documented)), "rule sections out of order or twice"
    assert raised | set(range(1, 12)) <= set(documented)
    assert set(reference.RULES) == set(documented)
    for number in raised | set(documented):
        for locale in ("id", "en"):
            assert len(reference.RULES[number][locale]) > 40, (number, locale)


def test_every_rule_section_shows_one_error_line_with_its_number():
    body = PAGE.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
    parts = RULE_HEADING.split(body)
    for number, text in zip(parts[1::2], parts[2::2]):
        errors = re.findall(r"^Error: (?:row \d+: )?rule (\d+): ", text, re.M)
        expected = "5" if number == "8" else number  # rule 8 refuses with the rule that breaks
        assert errors == [expected], f"rule {number}"


def test_one_rule_is_that_rule_alone():
    five = reference.rules_text(5)
    assert five.startswith("Aturan 5: ")
    assert flat(reference.RULES[5]["id"]) in flat(five)
    assert flat(reference.RULES[6]["id"]) not in flat(five)
    english = reference.rules_text(5, locale="en")
    assert english.startswith("Rule 5: ") and flat(reference.RULES[5]["en"]) in flat(english)
    assert reference.rules_text("5") == five


def test_all_rules_are_numbered_in_order_with_a_blank_line_between():
    blocks = reference.rules_text().split("\n\n")
    assert [b.split(":")[0] for b in blocks] == [f"Aturan {n}" for n in range(1, 12)]
    assert all(len(line) <= reference.WIDTH for line in reference.rules_text().splitlines())


def test_an_unknown_rule_or_locale_is_a_usage_error():
    with pytest.raises(UsageError, match=r"^rule 99 does not exist; rules are 1-11$"):
        reference.rules_text(99)
    with pytest.raises(UsageError, match=r"^rule 0 does not exist"):
        reference.rules_text(0)
    with pytest.raises(UsageError, match="unknown locale 'fr'"):
        reference.rules_text(5, locale="fr")


def test_kinds_text_names_every_kind_with_its_indonesian_words_and_fields():
    assert set(reference.KIND_DOCS_ID) == set(kinds.KINDS)
    for locale in ("id", "en"):
        text = reference.kinds_text(locale)
        blocks = {b.split(" ", 1)[0].rstrip(":"): flat(b) for b in text.split("\n\n")}
        assert set(blocks) == set(kinds.KINDS)
        for kind, spec in kinds.KINDS.items():
            for field in spec.required | spec.optional:
                assert re.search(rf"\b{field}\b", blocks[kind].split(": ", 1)[1]), (kind, field)
        for alias, kind in kinds.ALIASES.items():
            assert alias.replace("_", " ") in blocks[kind], alias
    assert reference.KIND_DOCS_ID["refund"] in flat(reference.kinds_text("id"))


def test_every_header_name_the_importer_accepts_is_listed_for_its_field():
    rows = {}
    for table in PAGE.split("Indonesian headers accepted |")[1:]:
        rows.update(re.findall(r"^\| `([a-z_0-9]+)` \| (.*) \|$", table.split("\n\n", 1)[0], re.M))
    for field, names in importers.HEADER_ALIASES.items():
        assert field in rows, field
        assert set(names) <= {n.strip() for n in rows[field].split(",")}, field


def test_links_and_anchors_resolve():
    def slug(title):
        return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")

    anchors = {slug(t) for t in re.findall(r"^#{1,4} (.*)$", PAGE, re.M)}
    for target in re.findall(r"\]\(#([^)]+)\)", PAGE):
        assert target in anchors, target
    for target in re.findall(r"\]\(((?!https?:|#)[^)#]+)\)", PAGE):
        assert (ROOT / "docs" / target).resolve().is_file(), target


def test_the_repository_documents_itself():
    for text in (PAGE, (ROOT / "anggaran" / "reference.py").read_text(encoding="utf-8")):
        assert "shared/" not in text and "CONTRACT.md" not in text


def test_the_readme_links_to_the_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/reference.md)" in readme


def test_the_contract_and_blokir_messages_on_the_page_are_the_codes(tmp_path):
    """Each rule 5, 7 and 10 message the page quotes for blokir and contracts is what the
    code says for the same events."""
    from anggaran.errors import AnggaranError
    from anggaran.ledger import Ledger

    said = []

    def refused(kind, **fields):
        with pytest.raises(AnggaranError) as e:
            ledger.record(kind, **fields)
        said.append(str(e.value).split(": ", 1)[1])

    line = dict(code="CQ.6639", akun="521211")
    with Ledger.init(tmp_path / "x.db", "657757", "KPU") as ledger:
        ledger.record("pagu", date="2024-01-02", amount=1000000, ref="DIPA-1", **line)
        ledger.record("pagu", date="2024-01-02", code="CQ.6639", akun="524111", amount=1000000,
                      ref="DIPA-1")
        ledger.record("blokir", date="2024-01-03", amount=100000, ref="BLK-1", **line)
        refused("buka blokir", date="2024-01-04", amount=200000, ref="BLK-2", **line)
        refused("blokir", date="2024-01-03", amount=2000000, ref="BLK-3", **line)
        ledger.record("kontrak", date="2024-02-01", amount=900000, ref="K-01", **line)
        refused("kontrak", date="2024-02-01", amount=600000, ref="K-01", **line)
        refused("sp2d", date="2024-03-01", code="CQ.6639", akun="524111", amount=100000,
                ref="240300000001", contract="K-01")
        refused("sp2d", date="2024-01-15", amount=100000, ref="240300000001", contract="K-01", **line)
        refused("sp2d", date="2024-03-01", amount=100000, ref="240300000001", contract="K-99", **line)
        ledger.record("sp2d", date="2024-03-01", amount=700000, ref="240300000001", contract="K-01",
                      **line)
        refused("sp2d", date="2024-03-01", amount=300000, ref="240300000002", **line)
        refused("addendum", date="2024-03-05", contract="K-01", amount=-500000, ref="ADD-1")
        refused("addendum", date="2024-03-05", contract="K-01", amount=400000, ref="ADD-1")
        refused("cut", date="2024-03-06", amount=200000, ref="PMK-1", **line)
        ledger.record("kontrak selesai", date="2024-04-01", contract="K-01", ref="BAST-1")
        refused("kontrak selesai", date="2024-04-02", contract="K-01", ref="BAST-2")
        refused("sp2d", date="2024-04-02", amount=10000, ref="240400000001", contract="K-01", **line)
        ledger.record("sp2d", date="2024-04-01", amount=10000, ref="240400000002", contract="K-01",
                      **line)
        refused("void", date="2024-05-02", voids=4, note="x")
    page = flat(PAGE).replace("` `", " ")
    for message in said:
        assert flat(message) in page, message
