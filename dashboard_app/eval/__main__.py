"""`python -m dashboard_app.eval [FILE] [--only ID ...] [--json OUT] [--user USER]`
and `python -m dashboard_app.eval --export-liked OUT.yaml [--user USER]`.

Asks the chat agent each question of FILE (the bundled `questions.yaml` by default), one
turn in a fresh conversation each, exactly as the chat page would (the app's own settings,
model, agent, tools, limits and audit log), runs the question's gold SQL through the same
gate, and scores the agent by execution accuracy (see `scoring`). It prints a table, one
line per question as it finishes, then the accuracy overall and per level; `--json` writes
the same report for a dashboard or a diff between runs.

`--export-liked` turns the answers people gave a thumbs up into a question file of the same
format, so real questions become regression questions (review the SQL before trusting it).

Exit status: 0 when the questions ran (whatever the accuracy), 2 when nothing could run (no
model configured, a missing or invalid question file, an unknown --only id).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO, TypeVar

import yaml

from . import scoring
from .scoring import Attempt, ResultSet, Verdict

if TYPE_CHECKING:
    from ..backend import Services
    from ..services.sql.engine import Identity

DEFAULT_FILE = Path(__file__).resolve().with_name("questions.yaml")
DEFAULT_USER = "eval@localhost"
QUESTION_KEYS = ("id", "question", "sql", "level", "tags")
UNRATED = "unrated"
#: Over a per-user limit (the eval is one busy user), wait and try again this many times.
RATE_LIMIT_TRIES = 5
T = TypeVar("T")


class UsageError(Exception):
    """Nothing can run; the message is the one line printed (exit status 2)."""


# --- the question file -----------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    id: str
    question: str
    sql: str
    level: str = UNRATED
    tags: tuple[str, ...] = ()


def load_questions(path: Path) -> list[Question]:
    """The questions of `path`; UsageError names the question and what is wrong with it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"No question file at {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"Cannot read {path}: {err}") from None
    except yaml.YAMLError as err:
        raise UsageError(f"{path} is not valid YAML: {scoring.one_line(str(err))}") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        raise UsageError(f"{path}: expected a mapping with a non-empty list `questions: [{{id, question, sql, level, tags}}]`")
    out: list[Question] = []
    seen: set[str] = set()
    for n, item in enumerate(data["questions"], 1):
        q = _question(item, n, path)
        if q.id in seen:
            raise UsageError(f"{path}: question {n} ({q.id}): the id is used twice")
        seen.add(q.id)
        out.append(q)
    return out


def _question(item: Any, n: int, path: Path) -> Question:
    where = f"{path}: question {n}"
    if not isinstance(item, dict):
        raise UsageError(f"{where}: expected a mapping with id, question, sql, level, tags")
    if isinstance(item.get("id"), (str, int)) and str(item["id"]).strip():
        where += f" ({item['id']})"
    unknown = [str(k) for k in item if k not in QUESTION_KEYS]
    if unknown:  # most likely a typo: a silently ignored `sqll` would score nothing
        raise UsageError(f"{where}: unknown key {', '.join(unknown)} (the keys are {', '.join(QUESTION_KEYS)})")
    if isinstance(item.get("id"), int) and not isinstance(item["id"], bool):
        item = {**item, "id": str(item["id"])}  # `id: 7` is a fine id
    for key in ("id", "question", "sql"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}: `{key}` is missing or not a non-empty text")
    level = item.get("level", UNRATED)
    if not isinstance(level, str) or not level.strip():
        raise UsageError(f"{where}: `level` must be a text (easy, medium, hard, ...)")
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise UsageError(f"{where}: `tags` must be a list of texts")
    return Question(str(item["id"]).strip(), item["question"].strip(), item["sql"].strip(), level.strip(), tuple(tags))


def select(questions: list[Question], only: Sequence[str] | None, path: Path) -> list[Question]:
    if not only:
        return questions
    ids = {q.id for q in questions}
    unknown = [i for i in only if i not in ids]
    if unknown:
        raise UsageError(f"No question with id {', '.join(unknown)} in {path}")
    wanted = set(only)
    return [q for q in questions if q.id in wanted]


# --- export of liked answers -----------------------------------------------------------------
class _BlockDumper(yaml.SafeDumper):
    """Multi-line SQL as a `|` block, as the bundled file writes it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_BlockDumper.add_representer(str, _text)


def liked_questions(svc: "Services", owner: str | None) -> tuple[list[dict[str, Any]], int]:
    """Thumbs-up answers as question entries, and how many were skipped (no SQL ran)."""
    out, skipped = [], 0
    for question, message in svc.conversations.liked(owner=owner):
        sqls = [c.get("sql") for c in message.cards if c.get("name") == "run_sql" and c.get("status") == "ok" and c.get("sql")]
        if not sqls or not question.strip():
            skipped += 1
            continue
        out.append({"id": f"liked-{message.id}", "question": question.strip(), "sql": str(sqls[-1]).strip(),
                    "level": UNRATED, "tags": ["liked"]})
    return out, skipped


def export_liked(svc: "Services", out: Path, owner: str | None, echo: TextIO) -> int:
    entries, skipped = liked_questions(svc, owner)
    head = ("# Thumbs-up chat answers, exported by `python -m dashboard_app.eval --export-liked`.\n"
            "# Check each gold `sql` and give it a level before adding it to a question file.\n")
    body = yaml.dump({"questions": entries}, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=120)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(head + body, encoding="utf-8")
    whose = f" of {owner}" if owner else ""
    echo.write(f"Wrote {len(entries)} liked answer{'s' * (len(entries) != 1)}{whose} to {out}"
               + (f" (skipped {skipped} without SQL)" if skipped else "") + "\n")
    return len(entries)


# --- one question ----------------------------------------------------------------------------
@dataclass
class Report:
    id: str
    level: str
    status: str  # pass | fail | error (the gold SQL failed: not scored)
    kind: str
    reason: str
    note: str
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    question: str
    gold_sql: str
    sql: str = ""  # the agent's answer SQL
    tags: list[str] = field(default_factory=list)


@dataclass
class _Turn:
    status: str = "error"
    error: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def _patiently(fn: Callable[[], T]) -> T:
    """`fn()`, waiting out a per-user rate limit a few times (a long eval is one busy user)."""
    from ..services.limits import RateLimited

    for attempt in range(RATE_LIMIT_TRIES):
        try:
            return fn()
        except RateLimited as err:
            if attempt == RATE_LIMIT_TRIES - 1:
                raise
            time.sleep(min(60.0, max(0.5, err.retry_after_s)))
    raise AssertionError("unreachable")


def run_gold(svc: "Services", sql: str, identity: "Identity") -> ResultSet:
    from ..services.sql import gate

    s = svc.settings
    result = _patiently(lambda: gate.run_statement(
        svc.engine, sql, identity=identity, confirmed=False, read_only_mode=True,
        row_limit=s.max_result_rows, timeout_s=s.query_timeout_s, source="chat",
    ))
    return ResultSet.from_arrow(result.table, result.truncated)


def _attempt(outcome: Any) -> Attempt:
    """A run_sql outcome as the scorer sees it; a statement the guard would not run is "refused"."""
    from ..services.sql import guard

    if outcome.status == "ok":
        return Attempt("ok", outcome.sql, result_id=outcome.result_id)
    if outcome.status == "needs_confirmation" or outcome.proposal is not None:
        return Attempt("refused", outcome.sql, f"the agent proposed a change that needs a person: {outcome.sql}")
    verdict = guard.classify(outcome.sql) if outcome.sql else None
    refused = verdict is not None and not verdict.empty and not verdict.read_only
    return Attempt("refused" if refused else "error", outcome.sql, outcome.error or outcome.content)


async def agent_turn(svc: "Services", question: str, identity: "Identity") -> _Turn:
    """One turn in a fresh conversation: every run_sql attempt, the end status, the tokens."""
    from ..services.llm import agent as loop

    turn = _Turn()
    started = time.perf_counter()
    try:
        prepared = await asyncio.to_thread(_patiently, lambda: svc.chat.prepare(identity, question))
        async for event in svc.chat.run(prepared):
            if isinstance(event, loop.ToolResult) and event.name == "run_sql":
                turn.attempts.append(_attempt(event.outcome))
            elif isinstance(event, loop.Done):
                turn.status, turn.error = event.status, event.error
                turn.prompt_tokens, turn.completion_tokens = event.prompt_tokens, event.completion_tokens
    except Exception as err:  # noqa: BLE001 - one question's failure is its report, not the run's end
        turn.status, turn.error = "error", f"{type(err).__name__}: {err}"
    turn.seconds = time.perf_counter() - started
    return turn


def answer_result(svc: "Services", attempt: Attempt, identity: "Identity") -> ResultSet:
    """The rows the agent's answer SQL returned: its kept result, or the SQL run again when
    the result store has already let it go."""
    from ..services.results import ResultNotFound

    try:
        kept = svc.results.get(attempt.result_id, owner=identity.user)
        return ResultSet.from_arrow(kept.result.table, kept.result.truncated)
    except ResultNotFound:
        return run_gold(svc, attempt.sql, identity)


async def evaluate_one(svc: "Services", q: Question, identity: "Identity") -> Report:
    report = Report(q.id, q.level, "fail", "", "", "", 0.0, 0, 0, q.question, q.sql, tags=list(q.tags))
    try:
        # The gold first: a broken question costs no model tokens.
        gold = await asyncio.to_thread(run_gold, svc, q.sql, identity)
    except Exception as err:  # noqa: BLE001 - reported; the other questions still run
        report.status, report.kind = "error", "gold SQL failed"
        report.reason = f"gold SQL failed: {scoring.one_line(str(err) or type(err).__name__)}"
        return report
    turn = await agent_turn(svc, q.question, identity)
    report.seconds, report.prompt_tokens, report.completion_tokens = turn.seconds, turn.prompt_tokens, turn.completion_tokens
    verdict = scoring.judge_turn(turn.status, scoring.one_line(turn.error), turn.attempts)
    if verdict is None:
        answer = scoring.answer_sql(turn.attempts)
        assert answer is not None
        report.sql = answer.sql
        try:
            got = await asyncio.to_thread(answer_result, svc, answer, identity)
            verdict = scoring.score(gold, got)
        except Exception as err:  # noqa: BLE001 - the re-run of an evicted result failed
            verdict = scoring.failed(scoring.SQL_ERROR, scoring.one_line(str(err)))
    _apply(report, verdict)
    return report


def _apply(report: Report, verdict: Verdict) -> None:
    report.status = "pass" if verdict.passed else "fail"
    report.kind, report.reason, report.note = verdict.kind, verdict.reason, verdict.note


# --- the run and its report ------------------------------------------------------------------
async def evaluate(svc: "Services", questions: Sequence[Question], user: str, on_report: Callable[[Report], None]) -> list[Report]:
    from ..services.sql.engine import Identity

    identity = Identity(user)
    reports = []
    for q in questions:  # one at a time: timings and the per-user limits stay meaningful
        report = await evaluate_one(svc, q, identity)
        on_report(report)
        reports.append(report)
    return reports


def summarize(reports: Sequence[Report]) -> dict[str, Any]:
    """Accuracy overall and per level (in the file's order), over the scored questions."""
    scored = [r for r in reports if r.status != "error"]
    levels: dict[str, list[Report]] = {}
    for r in scored:
        levels.setdefault(r.level, []).append(r)
    return {
        **_accuracy(scored),
        "not_scored": len(reports) - len(scored),
        "by_level": {level: _accuracy(rs) for level, rs in levels.items()},
        "seconds": round(sum(r.seconds for r in reports), 3),
        "prompt_tokens": sum(r.prompt_tokens for r in reports),
        "completion_tokens": sum(r.completion_tokens for r in reports),
    }


def _accuracy(reports: Sequence[Report]) -> dict[str, Any]:
    ok = sum(r.status == "pass" for r in reports)
    return {"passed": ok, "total": len(reports), "accuracy": round(ok / len(reports), 4) if reports else None}


_WIDTHS = (("id", 34), ("level", 8), ("result", 6), ("seconds", 8), ("tokens in/out", 15))


def table_header() -> str:
    return "  ".join(name.ljust(w) if name != "seconds" else name.rjust(w) for name, w in _WIDTHS) + "  reason"


def table_line(r: Report) -> str:
    result = {"pass": "pass", "fail": "FAIL", "error": "error"}[r.status]
    cells = [r.id[:34].ljust(34), r.level[:8].ljust(8), result.ljust(6), f"{r.seconds:8.1f}",
             f"{r.prompt_tokens:,}/{r.completion_tokens:,}".ljust(15)]
    why = r.reason or (f"({r.note})" if r.note else "")
    return ("  ".join(cells) + ("  " + scoring.one_line(why, 160) if why else "")).rstrip()


def _percent(part: dict[str, Any]) -> str:
    return "n/a" if part["accuracy"] is None else f"{part['accuracy'] * 100:.1f}% ({part['passed']}/{part['total']})"


def summary_lines(summary: dict[str, Any]) -> list[str]:
    lines = [f"accuracy {_percent(summary)}"
             + "".join(f"   {level} {_percent(part)}" for level, part in summary["by_level"].items())]
    if summary["not_scored"]:
        lines.append(f"not scored: {summary['not_scored']} (their gold SQL failed)")
    lines.append(f"time {summary['seconds']:.1f} s   tokens {summary['prompt_tokens']:,} prompt + "
                 f"{summary['completion_tokens']:,} completion")
    return lines


# --- the command -----------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dashboard_app.eval", description=__doc__.split("\n\n")[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="the question file (default: the bundled questions.yaml)")
    p.add_argument("--only", nargs="+", action="extend", metavar="ID", help="run only these question ids")
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the report as JSON to OUT")
    p.add_argument("--export-liked", type=Path, metavar="OUT.yaml",
                   help="write the thumbs-up answers as a question file to OUT.yaml, and run nothing")
    p.add_argument("--user", help=f"ask as this user (default {DEFAULT_USER}); with --export-liked, "
                                  "export only this user's answers (default: everyone's)")
    return p.parse_args(argv)


def _in_thread(coro: Any) -> Any:
    """Runs the evaluation on a loop of its own in a worker thread, so main() works from a
    plain script and from a caller that already has a running loop (tests, notebooks)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _services() -> "Services":
    from ..backend import services

    try:
        return services()
    except Exception as err:  # noqa: BLE001 - a settings or engine problem: one line, not a traceback
        raise UsageError(f"The app's services could not start: {scoring.one_line(str(err))}") from None


def run(args: argparse.Namespace, svc: "Services | None", out: TextIO) -> int:
    if args.export_liked is not None:
        export_liked(svc or _services(), args.export_liked, args.user, out)
        return 0
    questions = select(load_questions(args.file), args.only, args.file)  # before the services: a typo fails fast
    svc = svc or _services()
    if not svc.chat.configured:
        from ..services.llm.client import NOT_CONFIGURED

        raise UsageError(NOT_CONFIGURED)
    user = args.user or DEFAULT_USER
    out.write(f"{len(questions)} question{'s' * (len(questions) != 1)} from {args.file}, as {user}\n\n{table_header()}\n")
    out.flush()

    def echo(r: Report) -> None:
        out.write(table_line(r) + "\n")
        out.flush()

    reports = _in_thread(evaluate(svc, questions, user, echo))
    summary = summarize(reports)
    out.write("\n" + "\n".join(summary_lines(summary)) + "\n")
    if args.json is not None:
        payload = {"file": str(args.file), "user": user, "questions": [asdict(r) for r in reports], "summary": summary}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        out.write(f"report written to {args.json}\n")
    return 0


def main(argv: Sequence[str] | None = None, svc: "Services | None" = None) -> int:
    """The command; `svc` lets a test hand in its own Services."""
    args = parse_args(argv)
    try:
        return run(args, svc, sys.stdout)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
