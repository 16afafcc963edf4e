"""Markdown from the model rendered to inert HTML on the server: raw HTML is shown as text,
links go only to http(s), mailto or the answer's own cards, and images are not loaded
(a model could be steered into writing a tracking pixel)."""

from __future__ import annotations

import functools
import html
import re
from typing import Mapping

from markdown_it import MarkdownIt

_SAFE_LINK = re.compile(r"^(https?:|mailto:|#card-[A-Za-z0-9_-]+$)", re.I)


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["image"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]

    def link_open(renderer, tokens, idx, options, env):  # noqa: ANN001 - markdown-it renderer rule
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if not href.startswith("#"):
            token.attrSet("target", "_blank")
            token.attrSet("rel", "noopener noreferrer nofollow")
        else:
            token.attrSet("class", "answer-ref")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def to_html(text: str, refs: Mapping[str, str] | None = None) -> str:
    """`text` as safe HTML; each [Qn] in `refs` (label -> anchor) becomes a link to its card."""
    if refs:
        text = re.sub(r"\[(Q\d{1,3})\](?!\()", lambda m: f"[{m.group(1)}](#{refs[m.group(1)]})" if m.group(1) in refs else m.group(0), text)
    return _parser().render(text)


def plain_html(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
