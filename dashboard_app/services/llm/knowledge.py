"""Named agents (`agents/*.yaml`) and knowledge (`knowledge/`) kept in the file store, so a
team edits them with the app's file editor and versions them like any other file.

An agent file:

    name: Taxi analyst
    description: Questions about New York taxi trips
    instructions: |
      Answer about samples.nyctaxi.trips. Distances are miles.
    tools: [search_tables, describe_table, run_sql, make_chart]   # optional: all by default
    model: databricks-claude-sonnet-4-5                            # optional endpoint / model
    catalog: samples
    schema: nyctaxi

Knowledge files: Markdown or text (a glossary, notes), and YAML with any of

    glossary: {term: definition}
    semantic_model:
      tables:
        - name: samples.tpch.orders
          description: ...
          synonyms: [pedidos, purchases]
          dimensions: [{name, sql, description}]
          measures: [{name, sql, description}]
          joins: [{table, on}]
    verified_queries:
      - name: revenue_by_year
        question: Revenue per year between two dates
        sql: SELECT year(o_orderdate) AS year, sum(o_totalprice) AS revenue FROM samples.tpch.orders
             WHERE o_orderdate BETWEEN :start AND :end GROUP BY 1 ORDER BY 1

A broken file is listed with its error and skipped; it never stops the chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from ..files.store import FileStore, FileStoreError
from . import ranking

AGENTS_DIR = "agents"
KNOWLEDGE_DIR = "knowledge"
MAX_FILES = 50
BUILTIN_NAME = "SQL assistant"
EXAMPLES = Path(__file__).with_name("examples")


@dataclass(frozen=True)
class Agent:
    name: str
    description: str = ""
    instructions: str = ""
    tools: tuple[str, ...] | None = None  # None: every tool
    model: str = ""
    catalog: str = ""
    schema: str = ""
    path: str = ""  # the file it came from ("" for the built-in one)
    error: str = ""  # why the file could not be used

    @property
    def usable(self) -> bool:
        return not self.error


BUILTIN = Agent(
    BUILTIN_NAME,
    "Answers questions about your data with SQL it runs and shows",
    "Find the tables that answer the question, check their columns, then query them.",
)


def load_agents(files: FileStore, tool_names: Sequence[str]) -> list[Agent]:
    """The built-in agent, then each file of agents/ (broken ones carry their error)."""
    out = [BUILTIN]
    taken = {BUILTIN.name.casefold()}
    for path, text, error in _read_dir(files, AGENTS_DIR, (".yaml", ".yml")):
        agent = _agent(path, text, error, tool_names)
        if agent.usable and agent.name.casefold() in taken:  # the first file (by name) keeps it
            agent = Agent(agent.name, path=path, error=f"another agent is already named {agent.name!r}")
        taken.add(agent.name.casefold())
        out.append(agent)
    return out


def find_agent(agents: Sequence[Agent], name: str | None) -> Agent:
    if not name:
        return BUILTIN
    for a in agents:
        if a.name.casefold() == name.casefold():
            if a.error:
                raise ValueError(f"The agent {a.name!r} cannot be used: {a.error} ({a.path})")
            return a
    raise ValueError(f"There is no agent named {name!r}; choose one of: {', '.join(a.name for a in agents if a.usable)}")


def _agent(path: str, text: str | None, error: str, tool_names: Sequence[str]) -> Agent:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if error:
        return Agent(stem, path=path, error=error)
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError as err:
        return Agent(stem, path=path, error=f"not valid YAML ({_yaml_where(err)})")
    if not isinstance(data, dict):
        return Agent(stem, path=path, error="expected a mapping with name, description and instructions")
    unknown = set(data) - {"name", "description", "instructions", "tools", "model", "catalog", "schema"}
    if unknown:
        return Agent(stem, path=path, error=f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    name = data.get("name", stem)
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        return Agent(stem, path=path, error="name must be a text of 1 to 100 characters")
    for key in ("description", "instructions", "model", "catalog", "schema"):
        if not isinstance(data.get(key, ""), str):
            return Agent(name, path=path, error=f"{key} must be a text")
    tools = data.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or not all(isinstance(t, str) for t in tools):
            return Agent(name, path=path, error="tools must be a list of tool names")
        bad = [t for t in tools if t not in tool_names]
        if bad:
            return Agent(name, path=path, error=f"unknown tools: {', '.join(bad)} (known: {', '.join(tool_names)})")
    return Agent(
        name.strip(), data.get("description", "").strip(), data.get("instructions", "").strip()[:20_000],
        tuple(tools) if tools is not None else None, data.get("model", "").strip(),
        data.get("catalog", "").strip(), data.get("schema", "").strip(), path,
    )


# --- knowledge -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    source: str  # the file
    title: str
    text: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifiedQuery:
    name: str
    question: str
    sql: str
    source: str


@dataclass
class Knowledge:
    passages: list[Passage] = field(default_factory=list)
    verified: list[VerifiedQuery] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, why it was skipped)

    def synonyms(self) -> list[tuple[str, Sequence[str]]]:
        return [(p.title, p.synonyms) for p in self.passages if p.synonyms]

    def relevant(self, question: str, budget_chars: int = 6000) -> list[Passage]:
        """The passages most relevant to the question, within a budget of characters."""
        query = ranking.expand(question, self.synonyms())
        ranked = ranking.rank(query, self.passages, lambda p: [(p.title, 2.0), (p.text, 1.0), (" ".join(p.synonyms), 2.0)])
        out, used = [], 0
        for _score, p in ranked:
            if used + len(p.text) > budget_chars:
                continue
            out.append(p)
            used += len(p.text)
        return out

    def relevant_verified(self, question: str, limit: int = 5) -> list[VerifiedQuery]:
        return [v for _s, v in ranking.rank(question, self.verified, lambda v: [(v.question, 2.0), (v.name, 1.0), (v.sql, 0.5)], limit=limit)]

    def match_verified(self, sql: str) -> VerifiedQuery | None:
        """The verified query `sql` is, as it stands with its parameters filled in."""
        text = _normal(sql)
        for v in self.verified:
            if _pattern(v.sql).fullmatch(text):
                return v
        return None


def load_knowledge(files: FileStore) -> Knowledge:
    k = Knowledge()
    for path, text, error in _read_dir(files, KNOWLEDGE_DIR, (".md", ".txt", ".yaml", ".yml")):
        if error:
            k.errors.append((path, error))
            continue
        try:
            if path.endswith((".yaml", ".yml")):
                _yaml_knowledge(k, path, text or "")
            else:
                k.passages.extend(_text_passages(path, text or ""))
        except ValueError as err:
            k.errors.append((path, str(err)))
    return k


def _text_passages(path: str, text: str) -> list[Passage]:
    """Markdown split at headings (a glossary entry or a section each)."""
    out, title, lines = [], path.rsplit("/", 1)[-1], []
    for line in text.splitlines():
        if line.startswith("#"):
            if "".join(lines).strip():
                out.append(Passage(path, title, "\n".join(lines).strip()[:4000]))
            title, lines = line.lstrip("#").strip() or title, [line]
        else:
            lines.append(line)
    if "".join(lines).strip():
        out.append(Passage(path, title, "\n".join(lines).strip()[:4000]))
    return out


def _yaml_knowledge(k: Knowledge, path: str, text: str) -> None:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"not valid YAML ({_yaml_where(err)})") from None
    if not isinstance(data, dict):
        raise ValueError("expected a mapping with glossary, semantic_model or verified_queries")
    glossary = data.get("glossary") or {}
    if not isinstance(glossary, dict):
        raise ValueError("glossary must map each term to its definition")
    for term, definition in glossary.items():
        k.passages.append(Passage(path, str(term), f"{term}: {definition}"))
    tables = (data.get("semantic_model") or {}).get("tables") or [] if isinstance(data.get("semantic_model") or {}, dict) else None
    if not isinstance(tables, list):
        raise ValueError("semantic_model.tables must be a list")
    for t in tables:
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            raise ValueError("each semantic_model table needs a name")
        synonyms = tuple(str(s) for s in t.get("synonyms") or ())
        k.passages.append(Passage(path, t["name"], "semantic model: " + yaml.safe_dump(t, sort_keys=False, allow_unicode=True).strip()[:4000], synonyms))
    verified = data.get("verified_queries") or []
    if not isinstance(verified, list):
        raise ValueError("verified_queries must be a list")
    for v in verified:
        if not isinstance(v, dict) or not all(isinstance(v.get(key), str) for key in ("name", "question", "sql")):
            raise ValueError("each verified query needs a name, a question and its sql")
        k.verified.append(VerifiedQuery(v["name"], v["question"], v["sql"].strip(), path))


def _read_dir(files: FileStore, folder: str, suffixes: tuple[str, ...]) -> list[tuple[str, str | None, str]]:
    """(path, text, error) for each matching file of `folder`; a missing folder is empty."""
    try:
        entries = [e for e in files.list(folder) if not e.is_dir and e.name.lower().endswith(suffixes)]
    except FileStoreError:
        return []
    out = []
    for e in entries[:MAX_FILES]:
        try:
            out.append((e.path, files.read_text(e.path).text, ""))
        except FileStoreError as err:
            out.append((e.path, None, str(err)))
    return out


def _yaml_where(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or "syntax error"
    return f"{problem} at line {mark.line + 1}" if mark is not None else str(problem)


_LITERAL = r"(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|(?:DATE|TIMESTAMP)\s*'[^']*'|TRUE|FALSE|NULL)"
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _normal(sql: str) -> str:
    """SQL with comments dropped, spaces collapsed and case folded outside strings."""
    text = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S).strip().rstrip(";").strip()
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if i % 2 else " ".join(p.split()).lower() for i, p in enumerate(parts))


def _pattern(sql: str) -> "re.Pattern[str]":
    """A verified query as a pattern: each :name matches one literal; the rest must match
    as written (spacing and case aside)."""
    text = _normal(sql)
    pieces, last = [], 0
    for m in _PARAM.finditer(text):
        pieces.append(re.escape(text[last:m.start()]))
        pieces.append(_LITERAL)
        last = m.end()
    pieces.append(re.escape(text[last:]))
    spaced = "".join(pieces).replace(r"\ ", r"\s*")
    spaced = re.sub(r"(\\[(),=<>])", r"\\s*\1\\s*", spaced)
    return re.compile(spaced, re.I)


def install_examples(files: FileStore, user: str) -> None:
    """Puts the example agent and knowledge into an empty embedded file store, so a newcomer
    sees what they do; never touches existing files."""
    for sub in (AGENTS_DIR, KNOWLEDGE_DIR):
        if files.exists(sub):
            continue
        try:
            files.mkdir(sub, user)
            for src in sorted((EXAMPLES / sub).iterdir()):
                files.write_text(f"{sub}/{src.name}", src.read_text(encoding="utf-8"), None, user)
        except (FileStoreError, OSError):
            pass  # read-only mode or a full disk: the chat works without examples
