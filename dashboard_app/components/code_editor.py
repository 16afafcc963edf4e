"""The one code editor of the app: CodeMirror 6 (the npm package @uiw/react-codemirror)
wrapped as a Reflex component, for SQL and for the file editor's languages.

The editor keeps its own text: typing never waits on the server. Every change is sent to
the state in order (so Run, sent after it, always sees the latest text): the whole text
while it is short, only the change for a long one. The state never echoes the text back. The state replaces the text only on purpose (opening a tab,
formatting, inserting a name) by changing `value`; `key` remounts the editor when the same
text must be put back.

The versions are pinned here; Reflex's bun installs them from the npm registry at build
time, and the page then loads nothing from elsewhere.
"""

from __future__ import annotations

import hashlib
from typing import Any

import reflex as rx
from reflex_base.event import EventHandler, key_event
from reflex_base.vars.base import Var, VarData

from ..state.editor_text import FULL_TEXT_CHARS

LANG_PACKAGES = {
    "sql": ("@codemirror/lang-sql@6.10.0", "sql"),
    "python": ("@codemirror/lang-python@6.2.1", "python"),
    "json": ("@codemirror/lang-json@6.0.2", "json"),
    "yaml": ("@codemirror/lang-yaml@6.1.3", "yaml"),
    "markdown": ("@codemirror/lang-markdown@6.5.2", "markdown"),
}
PINNED = [
    "@codemirror/state@6.7.6",
    "@codemirror/view@6.43.15",
    "@codemirror/language@6.13.1",
    "@codemirror/autocomplete@6.20.4",
    "@codemirror/commands@6.11.1",
    "@codemirror/search@6.7.2",
    "@codemirror/theme-one-dark@6.1.3",
    "codemirror@6.0.2",
]


def _lib(package: str) -> str:
    return package.rsplit("@", 1)[0]


def _edit_spec(value: Var, update: Var) -> tuple[Var[dict]]:
    # The whole text while it is short, else only the change (state/editor_text.py).
    return (Var(_js_expr=f"(({value}).length <= {FULL_TEXT_CHARS} ? {{doc: {value}}} : "
                         f"{{changes: ({update}).changes.toJSON(), length: ({value}).length}})").to(dict),)


def _cursor_spec(stats: Var) -> tuple[Var[dict]]:
    # Only what the server needs of CodeMirror's statistics: the selection's ends and text.
    return (Var(_js_expr=f"({{anchor: {stats}.selectionAsSingle.anchor, head: {stats}.selectionAsSingle.head, "
                         f"selected: {stats}.selectedText ? {stats}.selectionCode : \"\"}})").to(dict),)


class CodeMirror(rx.Component):
    library = "@uiw/react-codemirror@4.25.12"
    tag = "CodeMirror"
    is_default = True
    lib_dependencies: list[str] = [*PINNED, *(p for p, _ in LANG_PACKAGES.values())]

    value: Var[str]
    height: Var[str]
    min_height: Var[str]
    max_height: Var[str]
    width: Var[str]
    theme: Var[str]
    placeholder: Var[str]
    editable: Var[bool]
    auto_focus: Var[bool]
    extensions: Var[list[Any]]
    basic_setup: Var[dict[str, Any]]

    on_change: EventHandler[_edit_spec]
    on_statistics: EventHandler[_cursor_spec]
    # The wrapper hands other props to its container, where the editor's key presses bubble.
    on_key_down: EventHandler[key_event]

    def add_imports(self) -> dict[str, Any]:
        imports: dict[str, Any] = {_lib(p): [name] for p, name in LANG_PACKAGES.values()}
        imports["@codemirror/view"] = ["keymap", "EditorView", "Decoration", "ViewPlugin"]
        imports["@codemirror/state"] = ["Prec"]
        imports["@codemirror/autocomplete"] = ["autocompletion", "startCompletion"]
        return imports


# Keys the page handles itself (run, run the statement, format): CodeMirror must not also
# act on them (Mod-Enter would insert a line).
_PAGE_KEYS = "Prec.highest(keymap.of([" + ", ".join(
    f'{{key: "{k}", run: () => true}}' for k in ("Mod-Enter", "Mod-Shift-Enter", "Shift-Alt-f")
) + "]))"


def _error_mark(position: Var) -> str:
    # The line of an engine error, marked; nothing when the position is negative.
    return (f"(({position}) >= 0 ? [EditorView.decorations.of((view) => Decoration.set([Decoration.line({{class: \"cm-error-line\"}})"
            f".range(view.state.doc.lineAt(Math.min({position}, view.state.doc.length)).from)]))] : [])")


def _server_completion(completion: Var) -> str:
    # The options the server computed for the word at the cursor (keywords, functions, the
    # workspace's names), offered while the cursor stays in that word (CodeMirror narrows
    # them as it grows); when a new answer arrives, the popup opens with it.
    c = str(completion)
    fits = (f"((c, state, pos) => c && c.options && c.options.length && pos >= c.start && "
            f"/^[\\w`]*$/.test(state.sliceDoc(c.start, pos)) && "
            f"state.sliceDoc(c.start, pos).toLowerCase().startsWith(c.prefix.toLowerCase()))")
    return (f"autocompletion({{override: [(ctx) => {fits}({c}, ctx.state, ctx.pos) "
            f"? {{from: ({c}).start, options: ({c}).options, validFor: /^[\\w`]*$/}} : null]}}), "
            f"ViewPlugin.define((view) => {{ if (view.hasFocus && {fits}({c}, view.state, view.state.selection.main.head)) "
            f"setTimeout(() => startCompletion(view), 0); return {{}}; }})")


def _memo(expr: Var, deps: list[Var]) -> Var:
    """`expr` evaluated again only when one of `deps` changes (React's useMemo). CodeMirror
    reconfigures itself, and reports the cursor again, whenever it gets a new extensions array
    or setup object, and every update of the editor's state would otherwise build new ones."""
    code = str(expr)
    name = "cm_memo_" + hashlib.sha1(code.encode()).hexdigest()[:12]
    hook = f"const {name} = useMemo(() => ({code}), [{', '.join(str(d) for d in deps)}]);"
    needs = VarData.merge(expr._get_all_var_data(), *(d._get_all_var_data() for d in deps))
    return Var(_js_expr=name, _var_type=expr._var_type,
               _var_data=VarData(hooks={hook: needs}, imports={"react": ["useMemo"]}))


def extensions(language: str, *, completion: Var | None = None, error_at: Var | None = None) -> Var:
    """The editor's extensions for `language`: its highlighting (SQL with the server's
    completion), the page's keys, and the mark of an engine error."""
    parts, data = [], []
    if language == "sql":
        parts.append("sql({upperCaseKeywords: true})")
        if completion is not None:
            parts.append(_server_completion(completion))
            data.append(completion._get_all_var_data())
    elif language in LANG_PACKAGES:
        parts.append(f"{LANG_PACKAGES[language][1]}()")
    parts.append(_PAGE_KEYS)
    if error_at is not None:
        parts.append(f"...{_error_mark(error_at)}")
        data.append(error_at._get_all_var_data())
    return Var(_js_expr="[" + ", ".join(parts) + "]", _var_type=list[Any], _var_data=VarData.merge(*data))


def code_editor(
    *, value: Any, on_change: Any, language: str | Var, id: str, key: Any = None, on_key_down: Any = None,
    on_cursor: Any = None, completion: Var | None = None, error_at: Var | None = None, height: str = "16em",
    placeholder: str = "", editable: Any = True,
) -> rx.Component:
    """The editor in a box: `id` names the box (its `.cm-content` holds the text); the box
    receives the keys CodeMirror leaves to the page."""
    if isinstance(language, str):
        exts = _memo(extensions(language, completion=completion, error_at=error_at),
                     [v for v in (completion, error_at) if v is not None])
    else:
        # A language known only at run time (the file editor): one branch per mode.
        exts = _memo(rx.match(language, *((name, extensions(name)) for name in LANG_PACKAGES), extensions("text")), [language])
    events = {k: v for k, v in (("on_statistics", on_cursor), ("on_key_down", on_key_down)) if v is not None}
    editor = CodeMirror.create(
        value=value,
        on_change=on_change,
        **events,
        extensions=exts,
        theme=rx.color_mode_cond("light", "dark"),
        height=height,
        width="100%",
        placeholder=placeholder,
        editable=editable,
        basic_setup=_memo(Var.create({"lineNumbers": True, "bracketMatching": True, "history": True, "searchKeymap": True,
                                      # With the server's completion, that one only (one autocompletion config).
                                      "autocompletion": completion is None, "highlightActiveLine": True, "foldGutter": False}), []),
        **({"key": key} if key is not None else {}),
    )
    return rx.box(editor, id=id, width="100%", class_name="code-editor",
                  border="1px solid var(--gray-a6)", border_radius="var(--radius-2)", overflow="hidden")
