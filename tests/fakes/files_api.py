"""Files API and DBFS API routes for FakeWorkspace, backed by an in-memory tree.

    ws = FakeWorkspace(tokens={"dapi-test"})
    fs = FakeFiles(ws)                      # registers the routes
    fs.add_dir("/Volumes/main/default/vol")
    with ws:
        w = WorkspaceClient(config=Config(host=ws.url, token="dapi-test"))
        w.files.upload("/Volumes/main/default/vol/a.txt", io.BytesIO(b"hi"))

What the real services do and the SDK relies on (databricks-sdk 0.156 service/files.py):

Files API (`/api/2.0/fs/...`, path in the URL, percent-encoded by the SDK):
  PUT    /fs/files{path}?overwrite=true|false   body = raw bytes, Content-Type application/octet-stream;
                                                 parents are created; 409 ALREADY_EXISTS when overwrite=false
  GET    /fs/files{path}                         raw bytes; Content-Type, Content-Length, Last-Modified
                                                 (HTTP-date); honours Range: bytes=N- and If-Unmodified-Since
  HEAD   /fs/files{path}                         the same headers, no body; 404 for a missing file or a folder
  DELETE /fs/files{path}
  GET    /fs/directories{path}?page_size&page_token   {"contents": [...], "next_page_token": ...}
  PUT    /fs/directories{path}                   mkdir -p, idempotent
  HEAD   /fs/directories{path}
  DELETE /fs/directories{path}                   empty folders only
The SDK first asks POST /fs/create-download-url for a presigned URL and falls back to
GET /fs/files when that fails; this fake does not serve it (404), so downloads use the fallback.

Multipart upload, which `w.files.upload` uses for a stream at or above the SDK's
`files_ext_multipart_upload_min_stream_size` (50 MB; tests lower it on the Config):
  POST /fs/files{path}?action=initiate-upload&overwrite=   {"multipart_upload": {"session_token"}};
                                                 409 ALREADY_EXISTS when overwrite=false and the file exists
  POST /fs/create-upload-part-urls               {path, session_token, start_part_number, count} ->
                                                 {"upload_part_urls": [{part_number, url, headers}]}
  PUT  <presigned url>                           one part, no bearer token (it is "signed"); answers an ETag
  POST /fs/files{path}?action=complete-upload&upload_type=multipart&session_token=
                                                 {"parts": [{part_number, etag}]}: the file appears only now
  POST /fs/create-abort-upload-url -> {"abort_upload_url": {url, headers}}; DELETE <that url> drops the parts
The presigned URLs point at /fake-storage/ on this same server. Open sessions are in `uploads`.

DBFS API (`/api/2.0/dbfs/...`, JSON, paths without the dbfs: scheme): list, get-status,
read (offset/length, at most 1 MB, base64), put (at most 1 MB base64-decoded), create /
add-block (at most 1 MB each) / close, mkdirs, move, delete. Over 1 MB: 400
MAX_BLOCK_SIZE_EXCEEDED (put, add-block) or MAX_READ_SIZE_EXCEEDED (read).

`deny(prefix)` makes every call on a path under the prefix answer 403 PERMISSION_DENIED
(a HEAD answer carries no body, so the SDK sees only "Forbidden", as with the real service).
Calls are recorded in `calls` (op, path, details, token: the caller's bearer token).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

from tests.fakes.workspace import FakeWorkspace, Request, Response

DBFS_MAX_BYTES = 1024 * 1024
DBFS_DEFAULT_READ = 512 * 1024


@dataclass
class Node:
    is_dir: bool
    data: bytes = b""
    mtime_ms: int = 0


@dataclass
class Call:
    op: str
    path: str
    details: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # the bearer token the call carried


@dataclass
class MultipartUpload:
    path: str
    overwrite: str | None
    parts: dict[int, tuple[bytes, str]] = field(default_factory=dict)  # part number -> (data, etag)


def _norm(path: str) -> str:
    path = "/" + "/".join(s for s in path.split("/") if s)
    return path


class FakeFiles:
    def __init__(self, ws: FakeWorkspace, *, page_size: int = 2):
        self.ws = ws
        self.page_size = page_size
        self.nodes: dict[str, Node] = {"/": Node(True)}
        self.denied: set[str] = set()
        self.calls: list[Call] = []
        self._handles: dict[int, tuple[str, bytearray]] = {}
        self._next_handle = itertools.count(1)
        self.uploads: dict[str, MultipartUpload] = {}  # session token -> open multipart upload
        self._lock = threading.RLock()
        self._clock_ms = int(time.time() * 1000)
        self._register()

    # ----------------------------------------------------------------- test helpers

    def reset(self) -> None:
        with self._lock:
            self.nodes = {"/": Node(True)}
            self.denied = set()
            self.calls = []
            self._handles = {}
            self.uploads = {}

    def deny(self, prefix: str) -> None:
        self.denied.add(_norm(prefix.removeprefix("dbfs:")))

    def add_dir(self, path: str) -> None:
        with self._lock:
            self._mkdirs(_norm(path.removeprefix("dbfs:")))

    def put_file(self, path: str, data: bytes) -> None:
        with self._lock:
            path = _norm(path.removeprefix("dbfs:"))
            self._mkdirs(self._parent(path))
            self.nodes[path] = Node(False, bytes(data), self._tick())

    def get_file(self, path: str) -> bytes | None:
        node = self.nodes.get(_norm(path.removeprefix("dbfs:")))
        return None if node is None or node.is_dir else node.data

    def calls_of(self, op: str) -> list[Call]:
        return [c for c in self.calls if c.op == op]

    # ----------------------------------------------------------------- tree

    def _tick(self) -> int:
        # Strictly increasing, so two writes in the same millisecond still differ.
        self._clock_ms = max(self._clock_ms + 1, int(time.time() * 1000))
        return self._clock_ms

    @staticmethod
    def _parent(path: str) -> str:
        return path.rsplit("/", 1)[0] or "/"

    def _mkdirs(self, path: str) -> Response | None:
        parts = [p for p in path.split("/") if p]
        current = ""
        for p in parts:
            current += "/" + p
            node = self.nodes.get(current)
            if node is None:
                self.nodes[current] = Node(True, mtime_ms=self._tick())
            elif not node.is_dir:
                return Response.error(400, "RESOURCE_ALREADY_EXISTS", f"A file exists at {current}")
        return None

    def _children(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return sorted(p for p in self.nodes if p.startswith(prefix) and "/" not in p[len(prefix) :] and p != "/")

    def _subtree(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return [p for p in self.nodes if p == path or p.startswith(prefix)]

    def _denied(self, path: str) -> bool:
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.denied)

    # ----------------------------------------------------------------- routing

    def _register(self) -> None:
        r = self.ws.route
        for method in ("GET", "PUT", "DELETE", "HEAD"):
            r(method, r"/api/2\.0/fs/files(?P<path>/.*)", self._guard(getattr(self, f"_file_{method.lower()}"), "url"))
            r(method, r"/api/2\.0/fs/directories(?P<path>/.*)", self._guard(getattr(self, f"_dir_{method.lower()}"), "url"))
        r("GET", r"/api/2\.0/dbfs/list", self._guard(self._dbfs_list, "query"))
        r("GET", r"/api/2\.0/dbfs/get-status", self._guard(self._dbfs_get_status, "query"))
        r("GET", r"/api/2\.0/dbfs/read", self._guard(self._dbfs_read, "query"))
        r("POST", r"/api/2\.0/dbfs/put", self._guard(self._dbfs_put, "body"))
        r("POST", r"/api/2\.0/dbfs/create", self._guard(self._dbfs_create, "body"))
        r("POST", r"/api/2\.0/dbfs/add-block", self._guard(self._dbfs_add_block, None))
        r("POST", r"/api/2\.0/dbfs/close", self._guard(self._dbfs_close, None))
        r("POST", r"/api/2\.0/dbfs/mkdirs", self._guard(self._dbfs_mkdirs, "body"))
        r("POST", r"/api/2\.0/dbfs/move", self._guard(self._dbfs_move, "move"))
        r("POST", r"/api/2\.0/dbfs/delete", self._guard(self._dbfs_delete, "body"))
        r("POST", r"/api/2\.0/fs/files(?P<path>/.*)", self._guard(self._file_post, "url"))
        r("POST", r"/api/2\.0/fs/create-upload-part-urls", self._guard(self._upload_part_urls, "body"))
        r("POST", r"/api/2\.0/fs/create-abort-upload-url", self._guard(self._abort_upload_url, "body"))
        r("PUT", r"/fake-storage/(?P<session>[0-9a-f]+)/(?P<part>[0-9]+)", self._storage_put_part, public=True)
        r("DELETE", r"/fake-storage/(?P<session>[0-9a-f]+)", self._storage_abort, public=True)

    def _guard(self, handler: Any, where: str | None) -> Any:
        """Extracts and normalizes the path, answers 403 for denied paths, serializes access."""

        def wrapped(req: Request) -> Response:
            if where == "url":
                paths = [unquote(req.match.group("path"))]
            elif where == "query":
                paths = [req.arg("path") or ""]
            elif where == "body":
                paths = [req.json().get("path") or ""]
            elif where == "move":
                body = req.json()
                paths = [body.get("source_path") or "", body.get("destination_path") or ""]
            else:
                paths = []
            if where not in (None, "url"):
                paths = [p.removeprefix("dbfs:") for p in paths]
                if any(not p.startswith("/") for p in paths):
                    return Response.error(400, "INVALID_PARAMETER_VALUE", "Path must be absolute")
            normed = [_norm(p) for p in paths]
            with self._lock:
                if any(self._denied(p) for p in normed):
                    return Response.error(403, "PERMISSION_DENIED", "User does not have permission on this path")
                first = len(self.calls)
                resp = handler(req, *normed)
                for call in self.calls[first:]:  # the calls this request recorded
                    call.token = req.token
                return resp

        return wrapped

    # ----------------------------------------------------------------- Files API

    def _file_headers(self, node: Node) -> dict[str, str]:
        return {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(len(node.data)),
            "Last-Modified": formatdate(node.mtime_ms / 1000, usegmt=True),
        }

    def _file_get(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("files.get", path, {"range": req.headers.get("range")}))
        if node is None or node.is_dir:
            return Response.error(404, "NOT_FOUND", "The file being accessed is not found.")
        since = req.headers.get("if-unmodified-since")
        if since and node.mtime_ms // 1000 > parsedate_to_datetime(since).timestamp():
            return Response.error(412, "PRECONDITION_FAILED", "The file was modified")
        data = node.data
        status = 200
        headers = self._file_headers(node)
        rng = req.headers.get("range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes=") : -1])
            data, status = data[start:], 206
            headers["Content-Range"] = f"bytes {start}-{len(node.data) - 1}/{len(node.data)}"
            headers["Content-Length"] = str(len(data))
        return Response(status, data, headers)

    def _file_head(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("files.head", path))
        if node is None or node.is_dir:
            return Response.error(404, "NOT_FOUND", "")
        return Response(200, b"", self._file_headers(node))

    def _file_put(self, req: Request, path: str) -> Response:
        self.calls.append(Call("files.put", path, {"size": len(req.body), "overwrite": req.arg("overwrite")}))
        if req.headers.get("content-type") != "application/octet-stream":
            return Response.error(400, "INVALID_PARAMETER_VALUE", "Content-Type must be application/octet-stream")
        node = self.nodes.get(path)
        if node is not None and node.is_dir:
            return Response.error(409, "ALREADY_EXISTS", "A directory exists at this path")
        if node is not None and req.arg("overwrite", "true") == "false":
            return Response.error(409, "ALREADY_EXISTS", "The file being created already exists.")
        err = self._mkdirs(self._parent(path))
        if err:
            return err
        self.nodes[path] = Node(False, req.body, self._tick())
        return Response(204)

    def _file_delete(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("files.delete", path))
        if node is None or node.is_dir:
            return Response.error(404, "NOT_FOUND", "The file being accessed is not found.")
        del self.nodes[path]
        return Response(204)

    def _dir_get(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("dirs.list", path, {"page_token": req.arg("page_token")}))
        if node is None or not node.is_dir:
            return Response.error(404, "NOT_FOUND", "The directory being accessed is not found.")
        children = self._children(path)
        size = min(int(req.arg("page_size") or self.page_size), self.page_size, 1000)
        start = int(req.arg("page_token") or 0)
        page = children[start : start + size]
        contents = []
        for p in page:
            child = self.nodes[p]
            item: dict[str, Any] = {"path": p + ("/" if child.is_dir else ""), "name": p.rsplit("/", 1)[-1]}
            item["is_directory"] = child.is_dir
            if not child.is_dir:
                item["file_size"] = len(child.data)
                item["last_modified"] = child.mtime_ms
            contents.append(item)
        body: dict[str, Any] = {}
        if contents:
            body["contents"] = contents
        if start + size < len(children):
            body["next_page_token"] = str(start + size)
        return Response.json(body)

    def _dir_head(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("dirs.head", path))
        if node is None or not node.is_dir:
            return Response.error(404, "NOT_FOUND", "")
        return Response(200)

    def _dir_put(self, req: Request, path: str) -> Response:
        self.calls.append(Call("dirs.put", path))
        err = self._mkdirs(path)
        if err:
            return Response.error(409, "RESOURCE_ALREADY_EXISTS", "A file exists at this path")
        return Response(204)

    def _dir_delete(self, req: Request, path: str) -> Response:
        node = self.nodes.get(path)
        self.calls.append(Call("dirs.delete", path))
        if node is None or not node.is_dir:
            return Response.error(404, "NOT_FOUND", "The directory being accessed is not found.")
        if self._children(path):
            # The real status code is undocumented; the stores check emptiness before deleting.
            return Response.error(409, "DIRECTORY_NOT_EMPTY", "The directory is not empty.")
        del self.nodes[path]
        return Response(204)

    # ----------------------------------------------------------------- DBFS API

    @staticmethod
    def _info(path: str, node: Node) -> dict[str, Any]:
        return {
            "path": path,
            "is_dir": node.is_dir,
            "file_size": 0 if node.is_dir else len(node.data),
            "modification_time": node.mtime_ms,
        }

    def _missing(self, path: str) -> Response:
        return Response.error(404, "RESOURCE_DOES_NOT_EXIST", f"No file or directory exists on path {path}.")

    def _dbfs_list(self, req: Request, path: str) -> Response:
        self.calls.append(Call("dbfs.list", path))
        node = self.nodes.get(path)
        if node is None:
            return self._missing(path)
        if not node.is_dir:
            return Response.json({"files": [self._info(path, node)]})
        files = [self._info(p, self.nodes[p]) for p in self._children(path)]
        return Response.json({"files": files} if files else {})

    def _dbfs_get_status(self, req: Request, path: str) -> Response:
        self.calls.append(Call("dbfs.get-status", path))
        node = self.nodes.get(path)
        if node is None:
            return self._missing(path)
        return Response.json(self._info(path, node))

    def _dbfs_read(self, req: Request, path: str) -> Response:
        offset = int(req.arg("offset") or 0)
        length = int(req.arg("length") or DBFS_DEFAULT_READ)
        self.calls.append(Call("dbfs.read", path, {"offset": offset, "length": length}))
        node = self.nodes.get(path)
        if node is None:
            return self._missing(path)
        if node.is_dir or offset < 0 or length < 0:
            return Response.error(400, "INVALID_PARAMETER_VALUE", "Cannot read a directory or a negative range")
        if length > DBFS_MAX_BYTES:
            return Response.error(400, "MAX_READ_SIZE_EXCEEDED", f"Cannot read more than {DBFS_MAX_BYTES} bytes")
        chunk = node.data[offset : offset + length]
        return Response.json({"bytes_read": len(chunk), "data": base64.b64encode(chunk).decode()})

    def _decode(self, text: Any) -> bytes | Response:
        try:
            data = base64.b64decode(text or "", validate=True)
        except (binascii.Error, ValueError):
            return Response.error(400, "INVALID_PARAMETER_VALUE", "Data is not valid base64")
        if len(data) > DBFS_MAX_BYTES:
            return Response.error(400, "MAX_BLOCK_SIZE_EXCEEDED", f"The block exceeds the maximum of {DBFS_MAX_BYTES} bytes")
        return data

    def _dbfs_put(self, req: Request, path: str) -> Response:
        body = req.json()
        data = self._decode(body.get("contents"))
        self.calls.append(Call("dbfs.put", path, {"size": len(data) if isinstance(data, bytes) else None}))
        if isinstance(data, Response):
            return data
        node = self.nodes.get(path)
        if node is not None and (node.is_dir or not body.get("overwrite")):
            return Response.error(400, "RESOURCE_ALREADY_EXISTS", f"A file or directory already exists at {path}")
        err = self._mkdirs(self._parent(path))
        if err:
            return err
        self.nodes[path] = Node(False, data, self._tick())
        return Response.json({})

    def _dbfs_create(self, req: Request, path: str) -> Response:
        body = req.json()
        self.calls.append(Call("dbfs.create", path, {"overwrite": body.get("overwrite")}))
        node = self.nodes.get(path)
        if node is not None and (node.is_dir or not body.get("overwrite")):
            return Response.error(400, "RESOURCE_ALREADY_EXISTS", f"A file or directory already exists at {path}")
        err = self._mkdirs(self._parent(path))
        if err:
            return err
        # The real service shows the file as soon as it is created and grows it block by block.
        self.nodes[path] = Node(False, b"", self._tick())
        handle = next(self._next_handle)
        self._handles[handle] = (path, bytearray())
        return Response.json({"handle": handle})

    def _dbfs_add_block(self, req: Request) -> Response:
        body = req.json()
        handle = body.get("handle")
        data = self._decode(body.get("data"))
        self.calls.append(Call("dbfs.add-block", "", {"handle": handle, "size": len(data) if isinstance(data, bytes) else None, "encoded": len(body.get("data") or "")}))
        if isinstance(data, Response):
            return data
        if handle not in self._handles:
            return Response.error(404, "RESOURCE_DOES_NOT_EXIST", f"No file handle {handle}")
        path, buf = self._handles[handle]
        if self._denied(path):
            return Response.error(403, "PERMISSION_DENIED", "User does not have permission on this path")
        buf += data
        self.nodes[path] = Node(False, bytes(buf), self._tick())
        return Response.json({})

    def _dbfs_close(self, req: Request) -> Response:
        handle = req.json().get("handle")
        self.calls.append(Call("dbfs.close", "", {"handle": handle}))
        if self._handles.pop(handle, None) is None:
            return Response.error(404, "RESOURCE_DOES_NOT_EXIST", f"No file handle {handle}")
        return Response.json({})

    def _dbfs_mkdirs(self, req: Request, path: str) -> Response:
        self.calls.append(Call("dbfs.mkdirs", path))
        return self._mkdirs(path) or Response.json({})

    def _dbfs_move(self, req: Request, src: str, dst: str) -> Response:
        self.calls.append(Call("dbfs.move", src, {"to": dst}))
        if src not in self.nodes:
            return self._missing(src)
        if dst in self.nodes:
            return Response.error(400, "RESOURCE_ALREADY_EXISTS", f"A file or directory already exists at {dst}")
        err = self._mkdirs(self._parent(dst))
        if err:
            return err
        for p in sorted(self._subtree(src)):
            self.nodes[dst + p[len(src) :]] = self.nodes.pop(p)
        return Response.json({})

    def _dbfs_delete(self, req: Request, path: str) -> Response:
        recursive = bool(req.json().get("recursive"))
        self.calls.append(Call("dbfs.delete", path, {"recursive": recursive}))
        node = self.nodes.get(path)
        if node is None:
            return Response.json({})  # treated as done; the stores check existence first anyway
        if node.is_dir and self._children(path) and not recursive:
            return Response.error(400, "IO_ERROR", f"Directory {path} is not empty; use recursive")
        for p in self._subtree(path):
            del self.nodes[p]
        return Response.json({})

    # ----------------------------------------------------------------- Files API multipart upload

    def _file_post(self, req: Request, path: str) -> Response:
        action = req.arg("action")
        if action == "initiate-upload":
            overwrite = req.arg("overwrite")
            self.calls.append(Call("files.initiate-upload", path, {"overwrite": overwrite}))
            node = self.nodes.get(path)
            if node is not None and (node.is_dir or overwrite == "false"):
                return Response.error(409, "ALREADY_EXISTS", "The file being created already exists.")
            session = secrets.token_hex(8)
            self.uploads[session] = MultipartUpload(path, overwrite)
            return Response.json({"multipart_upload": {"session_token": session}})
        if action == "complete-upload" and req.arg("upload_type") == "multipart":
            up = self.uploads.get(req.arg("session_token") or "")
            parts = req.json().get("parts") or []
            self.calls.append(Call("files.complete-upload", path, {"parts": [p.get("part_number") for p in parts]}))
            if up is None or up.path != path:
                return Response.error(404, "NOT_FOUND", "No such upload session.")
            numbers = [p.get("part_number") for p in parts]
            if numbers != list(range(1, len(up.parts) + 1)) or any(
                up.parts[p["part_number"]][1] != p.get("etag") for p in parts
            ):
                return Response.error(400, "INVALID_PARAMETER_VALUE", "The parts do not match the uploaded parts.")
            node = self.nodes.get(path)
            if node is not None and (node.is_dir or up.overwrite == "false"):
                return Response.error(409, "ALREADY_EXISTS", "The file being created already exists.")
            err = self._mkdirs(self._parent(path))
            if err:
                return err
            del self.uploads[req.arg("session_token") or ""]
            self.nodes[path] = Node(False, b"".join(up.parts[n][0] for n in numbers), self._tick())
            return Response.json({})
        return Response.error(400, "INVALID_PARAMETER_VALUE", f"Unsupported action {action!r}")

    def _session_for(self, body: dict[str, Any], path: str) -> tuple[str, MultipartUpload] | Response:
        session = body.get("session_token") or ""
        up = self.uploads.get(session)
        if up is None or up.path != path:
            return Response.error(404, "NOT_FOUND", "No such upload session.")
        return session, up

    def _upload_part_urls(self, req: Request, path: str) -> Response:
        body = req.json()
        start, count = int(body.get("start_part_number") or 0), int(body.get("count") or 0)
        self.calls.append(Call("files.create-upload-part-urls", path, {"start": start, "count": count}))
        found = self._session_for(body, path)
        if isinstance(found, Response):
            return found
        session, _ = found
        if start < 1 or count < 1:
            return Response.error(400, "INVALID_PARAMETER_VALUE", "start_part_number and count must be positive")
        urls = [
            {
                "part_number": n,
                "url": f"{self.ws.url}/fake-storage/{session}/{n}",
                "headers": [{"name": "x-fake-signature", "value": session}],
            }
            for n in range(start, start + count)
        ]
        return Response.json({"upload_part_urls": urls})

    def _abort_upload_url(self, req: Request, path: str) -> Response:
        body = req.json()
        self.calls.append(Call("files.create-abort-upload-url", path))
        found = self._session_for(body, path)
        if isinstance(found, Response):
            return found
        session, _ = found
        url = {"url": f"{self.ws.url}/fake-storage/{session}", "headers": [{"name": "x-fake-signature", "value": session}]}
        return Response.json({"abort_upload_url": url})

    def _storage_put_part(self, req: Request) -> Response:
        assert req.match is not None
        session, part = req.match.group("session"), int(req.match.group("part"))
        with self._lock:
            up = self.uploads.get(session)
            self.calls.append(
                Call(
                    "storage.put-part",
                    up.path if up else "",
                    {"part": part, "size": len(req.body), "authorization": req.headers.get("authorization")},
                )
            )
            # Like a cloud store: the signature is the credential, and it is bound to the session.
            if up is None or req.headers.get("x-fake-signature") != session:
                return Response(403, b"<Error><Code>AccessDenied</Code><Message>Bad signature</Message></Error>")
            etag = '"' + hashlib.md5(req.body).hexdigest() + '"'
            up.parts[part] = (req.body, etag)
            return Response(200, b"", {"ETag": etag})

    def _storage_abort(self, req: Request) -> Response:
        assert req.match is not None
        session = req.match.group("session")
        with self._lock:
            up = self.uploads.pop(session, None) if req.headers.get("x-fake-signature") == session else None
            self.calls.append(Call("storage.abort", up.path if up else ""))
            return Response(200 if up else 404)
