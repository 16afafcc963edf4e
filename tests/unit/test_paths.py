"""The path policy of the file editor, for the three kinds of root."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard_app.services.files.paths import (
    MAX_PATH_CHARS,
    PathNotAllowed,
    join,
    normalize_root,
    relative,
    resolve,
    root_kind,
)

VOL = "/Volumes/main/default/vol/app"
DBFS = "dbfs:/FileStore/app_files"


@pytest.fixture(scope="module")
def local_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("paths")
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f.txt").write_text("x")
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("s")
    (base / "root_evil").mkdir()
    os.symlink(root / "sub", root / "link_in")  # inside -> inside
    os.symlink(root / "sub" / "f.txt", root / "file_link_in")
    os.symlink(base / "outside", root / "link_out")  # inside -> outside
    os.symlink(base / "outside" / "secret.txt", root / "file_link_out")
    os.symlink(base / "root_evil", root / "link_prefix")  # looks like the root by prefix
    os.symlink(base / "nowhere", root / "dangling_out")
    os.symlink("../..", root / "sub" / "up")  # relative link climbing out
    os.symlink(".", root / "self")
    return str(root)


ROOTS = ["volume", "dbfs", "local"]


def _root(kind: str, local_root: str) -> str:
    return {"volume": VOL, "dbfs": DBFS, "local": local_root}[kind]


# --------------------------------------------------------------------------- shared cases

ALLOWED = [
    ("a.txt", "a.txt"),
    ("folder/a.txt", "folder/a.txt"),
    ("./a.txt", "a.txt"),
    ("a//b", "a/b"),
    ("a/./b/", "a/b"),
    ("a///b//c", "a/b/c"),
    (".", "."),
    ("./", "."),
    ("./.", "."),
    (".hidden", ".hidden"),
    ("a.b.c", "a.b.c"),
    ("...", "..."),
    ("...x", "...x"),
    ("x..", "x.."),
    ("..a", "..a"),
    ("a/.../b", "a/.../b"),
    ("my notes.txt", "my notes.txt"),
    (" leading space.txt", " leading space.txt"),
    ("trailing space ", "trailing space "),
    ("résumé.md", "résumé.md"),
    ("数据/报告.sql", "数据/报告.sql"),
    ("emoji 😀.txt", "emoji 😀.txt"),
    ("family 👨‍👩‍👧.txt", "family 👨‍👩‍👧.txt"),  # zero-width joiners are part of the emoji
    ("Ωmega/ß", "Ωmega/ß"),
    ("100%.txt", "100%.txt"),
    ("50% off.txt", "50% off.txt"),
    ("a%20b", "a%20b"),
    ("12:30 notes.txt", "12:30 notes.txt"),
    ("a/~/x", "a/~/x"),  # only a leading '~' reads as a home folder
    ("x~", "x~"),
    ("notes~.txt", "notes~.txt"),
    ("a/\uff5e", "a/\uff5e"),
    ("l\u00b7l.txt", "l\u00b7l.txt"),  # a middle dot is a letter's companion in Catalan, not a '.'
    ("\u4f1a\u8b70\u3002txt", "\u4f1a\u8b70\u3002txt"),  # the ideographic full stop stays: CJK names use it
    (". .", ". ."),
    ("$HOME/x", "$HOME/x"),
    ("a'b\"c.txt", "a'b\"c.txt"),
    ("*.sql", "*.sql"),
    ("a" * 255, "a" * 255),
    ("é" * 127, "é" * 127),  # 254 bytes
    ("a/b/c/d/e/f/g", "a/b/c/d/e/f/g"),
    ("Volumes/main/x", "Volumes/main/x"),  # relative: a folder that happens to be called Volumes
]

REFUSED = [
    "",
    "..",
    "../x",
    "a/../b",
    "a/..",
    "a/b/../../..",
    "%2e%2e/x",
    "%2E%2E/x",
    "a%2fb",
    "a%2Fb",
    "a%5cb",
    "a%00b",
    "%252e%252e/x",
    "%c0%ae%c0%ae/x",
    "a\\b",
    "..\\x",
    "a\x00b",
    "a\nb",
    "a\rb",
    "\tname",
    "a\x7fb",
    "a\x85b",
    "s3://bucket/x",
    "file:///etc/passwd",
    "file:x",
    "http://evil/x",
    "https://evil/x",
    "abfss://c@a.dfs.core.windows.net/x",
    "C:/x",
    "c:x",
    "/etc/passwd",
    "/",
    "//etc",
    "a" * 256,
    "é" * 128,  # 256 bytes
    "x/" * 2049,
    "\u202eexe.txt",
    "a\u2028b",
    "\ud800",
    "   ",
    "a/ /b",
    # Look-alike dots, slashes and backslashes (Unicode confusables, or NFKC folds them into one).
    "\uff0e\uff0e/x",  # FULLWIDTH FULL STOP
    "\uff0e\uff0e",
    "a/\uff0e\uff0e/b",
    "\u2024\u2024/x",  # ONE DOT LEADER
    "\u2025/x",  # TWO DOT LEADER
    "\u2026/x",  # HORIZONTAL ELLIPSIS
    "\ufe52\ufe52/x",  # SMALL FULL STOP
    "\ufe30/x",  # PRESENTATION FORM FOR VERTICAL TWO DOT LEADER
    ".\uff0e/x",
    "\u0701\u0701/x",  # SYRIAC SUPRALINEAR FULL STOP
    "\ua60e\ua60e/x",  # VAI FULL STOP
    "..\uff0fx",  # FULLWIDTH SOLIDUS
    "..\u2215x",  # DIVISION SLASH
    "..\u2044x",  # FRACTION SLASH
    "..\u29f8x",  # BIG SOLIDUS
    "..\u2571x",  # BOX DRAWINGS LIGHT DIAGONAL
    "a\u2215b",
    "a\u2044b.txt",
    "..\uff3cx",  # FULLWIDTH REVERSE SOLIDUS
    "..\ufe68x",  # SMALL REVERSE SOLIDUS
    "..\u2216x",  # SET MINUS
    "..\u29f5x",  # REVERSE SOLIDUS OPERATOR
    "\u2105.txt",  # CARE OF: NFKC makes it "c/o"
    "\u2488 first.txt",  # DIGIT ONE FULL STOP: "1."
    # Names that read as '.' or '..' but are not.
    "..\u200b/x",  # zero-width space
    "\u200b../x",
    "..\u00ad/x",  # soft hyphen
    ".\u0307./x",  # a combining dot
    "..\u0338/x",  # a combining slash overlay
    ".. /x",
    " ../x",
    " .",
    # A leading '~' (a home folder to a shell and os.path.expanduser) and its look-alikes.
    "~/x",
    "~",
    "~root/.ssh/id_rsa",
    "./~/x",
    ".//~/x",
    "\uff5e/x",  # FULLWIDTH TILDE
    "\u223c/x",  # TILDE OPERATOR
    "\u301c/x",  # WAVE DASH
    "%7e/x",
    "%7E/x",
    "\u200b~/x",
    " ~/x",
]


@pytest.mark.parametrize("kind", ROOTS)
@pytest.mark.parametrize(("path", "rel"), ALLOWED)
def test_allowed(kind: str, path: str, rel: str, local_root: str) -> None:
    root = _root(kind, local_root)
    full = resolve(root, path)
    assert full == (root if rel == "." else f"{root}/{rel}")
    assert relative(root, full) == rel


@pytest.mark.parametrize("kind", ROOTS)
@pytest.mark.parametrize("path", REFUSED)
def test_refused(kind: str, path: str, local_root: str) -> None:
    with pytest.raises(PathNotAllowed) as info:
        resolve(_root(kind, local_root), path)
    assert str(info.value)  # a message the user can read


@pytest.mark.parametrize("kind", ROOTS)
def test_non_text_path_refused(kind: str, local_root: str) -> None:
    with pytest.raises(PathNotAllowed):
        resolve(_root(kind, local_root), b"a.txt")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- per root


@pytest.mark.parametrize(
    ("path", "rel"),
    [
        (f"{VOL}/x", "x"),
        (VOL, "."),
        (f"{VOL}/", "."),
        (f"/{VOL}//x", "x"),
        (f"{VOL}/./a/b", "a/b"),
    ],
)
def test_volume_absolute_inside(path: str, rel: str) -> None:
    full = resolve(VOL, path)
    assert relative(VOL, full) == rel


@pytest.mark.parametrize(
    "path",
    [
        "/Volumes/main/default/vol/app_evil/x",
        "/Volumes/main/default/vol/application",
        "/Volumes/main/default/vol",
        "/Volumes/main/default/other/app/x",
        "/volumes/main/default/vol/app/x",
        f"{VOL}/../app/x",
        f"dbfs:{VOL}/x",
        "dbfs:/FileStore/x",
        "/FileStore/app_files/x",
    ],
)
def test_volume_refuses(path: str) -> None:
    with pytest.raises(PathNotAllowed):
        resolve(VOL, path)


@pytest.mark.parametrize(
    ("path", "rel"),
    [
        (f"{DBFS}/x", "x"),
        (DBFS, "."),
        ("/FileStore/app_files/x", "x"),
        ("/FileStore/app_files", "."),
        ("DBFS:/FileStore/app_files/x", "x"),
        ("dbfs:/FileStore//app_files/./x/", "x"),
    ],
)
def test_dbfs_absolute_inside(path: str, rel: str) -> None:
    full = resolve(DBFS, path)
    assert full.startswith("dbfs:/")
    assert relative(DBFS, full) == rel


@pytest.mark.parametrize(
    "path",
    [
        "dbfs:/FileStore/app_files_evil/x",
        "dbfs:/FileStore/other",
        "dbfs://FileStore/app_files/x",
        "dbfs:FileStore/app_files/x",
        "/Volumes/main/default/vol/x",
        "dbfs:/FileStore/app_files/../secret",
        "dbfs:/FileStore",
        "dbfs:/",
        "s3:/FileStore/app_files/x",
    ],
)
def test_dbfs_refuses(path: str) -> None:
    with pytest.raises(PathNotAllowed):
        resolve(DBFS, path)


def test_local_absolute_inside_and_prefix_trick(local_root: str) -> None:
    assert resolve(local_root, local_root + "/x") == local_root + "/x"
    assert resolve(local_root, local_root) == local_root
    for bad in (local_root + "_evil/x", local_root + "_evil", os.path.dirname(local_root), "dbfs:/x", VOL + "/x"):
        with pytest.raises(PathNotAllowed):
            resolve(local_root, bad)


@pytest.mark.parametrize("path", ["link_in/f.txt", "link_in", "file_link_in", "self/sub/f.txt", "sub/up/root/sub"])
def test_local_links_inside_are_fine(path: str, local_root: str) -> None:
    assert resolve(local_root, path) == f"{local_root}/{path}"


@pytest.mark.parametrize(
    "path",
    ["link_out", "link_out/secret.txt", "file_link_out", "link_prefix/x", "dangling_out", "sub/up/outside/secret.txt", "sub/up"],
)
def test_local_links_out_are_refused(path: str, local_root: str) -> None:
    with pytest.raises(PathNotAllowed, match="symbolic link"):
        resolve(local_root, path)


def test_root_kinds_and_bad_roots() -> None:
    assert root_kind(VOL) == "volume"
    assert root_kind(DBFS) == "dbfs"
    assert root_kind("/srv/files") == "local"
    assert normalize_root("/Volumes/main/default/vol//app/") == VOL
    for bad in (
        "relative/root",
        "/Volumes/main",
        "/Volumes/main/default",
        "dbfs:/",
        "dbfs://FileStore",
        "/",
        "s3://bucket/x",
        "/Volumes/a/../b/c/d",
        "/srv/fi\x00les",
        "",
    ):
        with pytest.raises(PathNotAllowed):
            resolve(bad, "x")


def test_kind_override_for_local_folder_under_volumes(tmp_path) -> None:
    # A local folder that happens to live at /Volumes/... is still checked as local.
    assert resolve("/Volumes/main/default/vol", "x", kind="local") == "/Volumes/main/default/vol/x"


def test_relative_refuses_outside_and_accepts_dbfs_wire_form() -> None:
    assert relative(DBFS, "/FileStore/app_files/a/b") == "a/b"
    assert relative(VOL, VOL) == "."
    for bad in ("/Volumes/main/default/vol/app_evil/x", "/Volumes/main/default/vol", f"{VOL}/../x"):
        with pytest.raises(PathNotAllowed):
            relative(VOL, bad)


def test_join() -> None:
    assert join(".", "a") == "a"
    assert join("x/y", "a") == "x/y/a"


def test_whole_path_limit_counts_the_root() -> None:
    rel = "/".join(["a" * 200] * 25)[: MAX_PATH_CHARS - 10]  # fits alone, not with the root
    rel = rel.rstrip("/")
    with pytest.raises(PathNotAllowed, match="full path"):
        resolve(VOL, rel)


# --------------------------------------------------------------------------- properties

_tricky = st.sampled_from(
    list("./\\%2eEfF05c:ab ~\x00\n")
    + ["..", "%2e", "%2F", "dbfs:", "s3://", "/Volumes", "é", "\u202e", "\uff0e", "\u2024", "\uff0f", "\u2215", "\u200b", "\uff5e"]
)
any_text = st.one_of(st.text(), st.lists(_tricky, max_size=30).map("".join))
_LOOKS_LIKE_A_SEPARATOR = "\u0701\u0702\ua4f8\ua60e\U00010a50\U0001d16d\u2044\u2215\u29f8\u2571\u27cb\u1735\u2041\u2cc6\u3033\u31d3\u2f03\U0001d23a\u0337\u0338\u2216\u29f5\u29f9\u2572\u27cd"
safe_char = st.characters(
    # Mn, Me, Cf: a combining mark or an invisible character may turn '.' into a look-alike.
    blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Mn", "Me", "Cf"),
    blacklist_characters="/\\%\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f:~\uff5e\u223c\u2053\u301c"
    + _LOOKS_LIKE_A_SEPARATOR,
).filter(lambda c: c.isascii() or not any(x in unicodedata.normalize("NFKC", c) for x in "./\\"))
safe_segment = st.text(safe_char, min_size=1, max_size=20).filter(
    lambda s: s not in (".", "..") and not s.isspace() and not (set(s.strip()) == {"."} and s != s.strip())
)
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _under(root: str, full: str) -> bool:
    return full == root or full.startswith(root + "/")


@pytest.mark.parametrize("kind", ROOTS)
@PROPS
@given(text=any_text)
def test_any_text_resolves_under_root_or_raises_path_not_allowed(kind: str, text: str, local_root: str) -> None:
    root = _root(kind, local_root)
    try:
        full = resolve(root, text)
    except PathNotAllowed:
        return
    assert _under(root, full)
    assert "/../" not in full + "/" and "//" not in full.removeprefix("dbfs:") and "\\" not in full
    assert not full.endswith("/")
    # Normal form: resolving the result (absolute) or its relative form gives it back.
    assert resolve(root, full) == full
    assert resolve(root, relative(root, full)) == full


@pytest.mark.parametrize("kind", ["volume", "dbfs"])
@PROPS
@given(segments=st.lists(safe_segment, min_size=1, max_size=8))
def test_safe_segments_round_trip(kind: str, segments: list[str]) -> None:
    root = _root(kind, "")
    rel = "/".join(segments)
    full = resolve(root, rel)
    assert full == f"{root}/{rel}"
    assert relative(root, full) == rel


@PROPS
@given(segments=st.lists(safe_segment, min_size=1, max_size=5))
def test_safe_segments_round_trip_local(segments: list[str], local_root: str) -> None:
    rel = "new/" + "/".join(segments)  # under a folder that does not exist: no links on the way
    full = resolve(local_root, rel)
    assert full == f"{local_root}/{rel}"
    assert relative(local_root, full) == rel


@pytest.mark.parametrize("kind", ROOTS)
@PROPS
@given(
    segments=st.lists(safe_segment, min_size=0, max_size=4),
    evil=st.sampled_from(["..", "%2e%2e", "a\\b", "x\x00", "\uff0e\uff0e", "\u2025", "..\u200b", "a\u2215b", "a\uff0fb", "\u2024."]),
)
def test_one_bad_segment_spoils_the_path(kind: str, segments: list[str], evil: str, local_root: str) -> None:
    with pytest.raises(PathNotAllowed):
        resolve(_root(kind, local_root), "/".join([*segments, evil, "x"]))


@pytest.mark.parametrize("kind", ROOTS)
@PROPS
@given(
    before=st.text(safe_char, max_size=5),
    lookalike=st.sampled_from(sorted(_LOOKS_LIKE_A_SEPARATOR) + ["\uff0e", "\u2024", "\u2025", "\u2026", "\ufe52", "\uff0f", "\uff3c", "\ufe68"]),
    after=st.text(safe_char, max_size=5),
)
def test_a_look_alike_dot_or_slash_anywhere_is_refused(kind: str, before: str, lookalike: str, after: str, local_root: str) -> None:
    with pytest.raises(PathNotAllowed, match=f"U\\+{ord(lookalike):04X}"):
        resolve(_root(kind, local_root), f"folder/{before}{lookalike}{after}")


@pytest.mark.parametrize("kind", ROOTS)
def test_the_refusals_say_what_is_wrong(kind: str, local_root: str) -> None:
    root = _root(kind, local_root)
    with pytest.raises(PathNotAllowed, match="FULLWIDTH FULL STOP"):
        resolve(root, "\uff0e\uff0e/x")
    with pytest.raises(PathNotAllowed, match="start with '~'"):
        resolve(root, "~/x")
    with pytest.raises(PathNotAllowed, match="looks like '.' or '..'"):
        resolve(root, "..\u200b/x")
