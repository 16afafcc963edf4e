"""The guard against two corpora of Databricks SQL (tests/unit/guard_corpus/).

- writes.sql: statements that change something (or that the policy keeps behind a
  confirmation: files by path, external services). None may be read-only, ever.
- read_only.sql: everyday read-only statements across the Databricks SQL reference. At most
  2 % may ask for a confirmation (the issue's target); the test prints the share and every
  statement that asks, with the guard's reason.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard_app.services.sql.guard import classify

CORPUS = Path(__file__).parent / "guard_corpus"
SEPARATOR = "-- next"
MAX_ASKING_SHARE = 0.02


def load(name: str) -> list[str]:
    """Entries of a corpus file: the text between lines holding only ``-- next``."""
    entries: list[list[str]] = [[]]
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() == SEPARATOR:
            entries.append([])
        else:
            entries[-1].append(line)
    return [text for text in ("\n".join(lines).strip() for lines in entries) if text]


READS = load("read_only.sql")
WRITES = load("writes.sql")


def _one_line(sql: str) -> str:
    return " ".join(sql.split())[:160]


def test_corpora_are_broad_enough() -> None:
    assert len(READS) >= 300, len(READS)
    assert len(WRITES) >= 150, len(WRITES)
    for sql in READS + WRITES:
        assert not classify(sql).empty, f"an entry holds only comments: {sql!r}"


def test_no_write_is_read_only() -> None:
    offenders = [sql for sql in WRITES if classify(sql).read_only]
    listing = "\n".join(f"  {_one_line(sql)}" for sql in offenders)
    print(f"\nwrites corpus: {len(WRITES)} statements, {len(offenders)} read-only")
    assert not offenders, f"{len(offenders)} statement(s) that change something pass as read-only:\n{listing}"


def test_read_only_corpus_rarely_asks_for_a_confirmation() -> None:
    asking = [(sql, classify(sql).reason) for sql in READS if not classify(sql).read_only]
    share = len(asking) / len(READS)
    listing = "\n".join(f"  {_one_line(sql)}\n      -> {reason}" for sql, reason in asking)
    print(f"\nread-only corpus: {len(asking)}/{len(READS)} ask for a confirmation ({share:.1%})\n{listing}")
    assert share <= MAX_ASKING_SHARE, f"{share:.1%} of read-only statements ask for a confirmation:\n{listing}"


# Combinations: a write next to any read-only statement still needs a confirmation, and
# EXPLAIN in front of a write never makes a *following* statement read-only.
COMBINE = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PASSING_READS = [sql for sql in READS if classify(sql).read_only]


@COMBINE
@given(ro=st.sampled_from(PASSING_READS), write=st.sampled_from(WRITES), write_first=st.booleans())
def test_a_write_next_to_a_read_is_never_read_only(ro: str, write: str, write_first: bool) -> None:
    parts = [write, ro] if write_first else [ro, write]
    v = classify("\n;\n".join(parts))  # newline first: an entry may end in a line comment
    assert not v.read_only


@COMBINE
@given(write=st.sampled_from(WRITES), ro=st.sampled_from(PASSING_READS))
def test_explain_covers_only_its_own_statement(write: str, ro: str) -> None:
    v = classify(f"EXPLAIN SELECT 1\n;\n{write}\n;\n{ro}")
    assert not v.read_only
    assert v.statements[0].read_only
