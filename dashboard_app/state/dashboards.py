"""Dashboards on the page: the list, and one dashboard in view or edit mode.

The dashboard itself, the parameter values and the tiles' results stay on the server; the
page gets each tile's title, state, a figure or at most 100 rows as text, and its position.
Only the owner's edits are saved (the store checks again); everyone else can view and
duplicate. A parameter change cancels what is still running for the old values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import urllib.parse
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from ..backend import CALLER, services
from ..services import charts
from ..services.dashboards import model
from ..services.dashboards.binding import as_given, values_of
from ..services.dashboards.refresh import RefreshRun, TileResult
from ..services.dashboards.store import DashboardConflict, DashboardNotFound, NotOwner
from ..services.files import FileStoreError, PathNotAllowed
from ..services.results import format_rows
from ..services.sql.engine import QueryError
from .base import AppState

TABLE_ROWS = 100
FILES_FOLDER = "dashboards"
AUTO_REFRESH = {"off": 0, "1 min": 60, "5 min": 300, "15 min": 900}
FLUSH_S = 0.05  # tiles finished within this long of each other reach the page together

# Refreshes in flight per tab, so a newer one (or leaving the page) can cancel the older.
REFRESHING: dict[str, RefreshRun] = {}


def _when(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


class DashboardListState(AppState):
    items: list[dict[str, str]] = []
    error: str = ""
    files: list[str] = []  # dashboard files in the file store's dashboards/ folder

    @rx.event
    async def load(self):
        me = self._identity().user
        rows = await asyncio.to_thread(lambda: services().dashboards.list())
        self.items = [
            {"id": r.id, "title": r.title, "owner": r.owner, "updated": _when(r.updated_at), "mine": "1" if r.owner == me else "0"}
            for r in rows
        ]
        self.files = await self._store_files()

    async def _store_files(self) -> list[str]:
        token = CALLER.set(self._identity())
        try:
            entries = await asyncio.to_thread(services().files.list, FILES_FOLDER)
        except (FileStoreError, PathNotAllowed, QueryError):
            return []
        finally:
            CALLER.reset(token)
        return [e.path for e in entries if not e.is_dir and e.name.lower().endswith((".yaml", ".yml", ".json"))]

    @rx.event
    async def create(self):
        blank = model.Dashboard(title="Untitled dashboard")
        stored = await asyncio.to_thread(services().dashboards.create, self._identity().user, blank)
        return rx.redirect(f"/dashboards/{stored.id}?edit=1")

    async def _import(self, text: str | bytes, source: str):
        try:
            dashboard = model.parse(text)
        except model.DashboardError as err:
            self.error = f"{source}: {err}"
            return None
        stored = await asyncio.to_thread(services().dashboards.create, self._identity().user, dashboard)
        self.error = ""
        return rx.redirect(f"/dashboards/{stored.id}")

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        for f in files[:1]:
            data = await f.read(model.MAX_FILE_BYTES + 1)
            return await self._import(data, f.name or "the file")

    @rx.event
    async def import_from_files(self, path: str):
        if path not in self.files:
            return
        token = CALLER.set(self._identity())
        try:
            content = await asyncio.to_thread(services().files.read_text, path)
        except (FileStoreError, PathNotAllowed, QueryError) as err:
            self.error = str(err)
            return
        finally:
            CALLER.reset(token)
        return await self._import(content.text, path)

    @rx.event
    async def duplicate(self, dashboard_id: str):
        if not isinstance(dashboard_id, str):
            return
        try:
            stored = await asyncio.to_thread(services().dashboards.duplicate, dashboard_id, self._identity().user)
        except DashboardNotFound as err:
            self.error = str(err)
            return
        return rx.redirect(f"/dashboards/{stored.id}")

    @rx.event
    async def delete(self, dashboard_id: str):
        if not isinstance(dashboard_id, str):
            return
        try:
            await asyncio.to_thread(services().dashboards.delete, dashboard_id, self._identity().user)
        except (DashboardNotFound, NotOwner) as err:
            self.error = str(err)
            return
        await self.load()


class DashboardState(AppState):
    dashboard_id: str = ""
    title: str = ""
    description: str = ""
    owner: str = ""
    mine: bool = False
    editing: bool = False
    error: str = ""
    notice: str = ""
    last_refresh: str = ""
    refreshing: bool = False
    auto_refresh: str = "off"

    # Parameter widgets: name, label, type, value (text), start, end, and list choices.
    params: list[dict[str, Any]] = []
    # One entry per tile: title, state, error, position, counter / table text.
    tiles: list[dict[str, Any]] = []
    figures: list[go.Figure] = []

    # Edit mode: the whole file as YAML, and one tile's fields.
    file_open: bool = False
    file_text: str = ""
    file_error: str = ""
    tile_open: bool = False
    tile_index: int = -1
    tile_title: str = ""
    tile_sql: str = ""
    tile_viz: str = "table"
    tile_x: str = ""
    tile_y: str = ""
    tile_value: str = ""
    tile_error: str = ""
    tile_preview: list[list[str | None]] = []
    tile_preview_columns: list[str] = []

    _dashboard: model.Dashboard | None = None
    _revision: int = 0
    _values: dict[str, Any] = {}
    _generation: int = 0  # bumped by each refresh; late results of older ones are dropped
    _auto_generation: int = 0  # bumped by each auto-refresh choice; older loops stop

    # --- derived ---
    @rx.var
    def export_yaml(self) -> str:
        return f"/api/dashboards/{self.dashboard_id}/export?format=yaml" if self.dashboard_id else ""

    @rx.var
    def export_json(self) -> str:
        return f"/api/dashboards/{self.dashboard_id}/export?format=json" if self.dashboard_id else ""

    # --- loading ---
    @rx.event
    async def open(self):
        dashboard_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.error, self.notice, self.editing = "", "", False
        try:
            stored = await asyncio.to_thread(services().dashboards.get, dashboard_id)
        except DashboardNotFound as err:
            self.dashboard_id, self._dashboard, self.tiles, self.params, self.figures = "", None, [], [], []
            self.title, self.error = "Dashboard not found", str(err)
            return
        self._show(stored)
        self._values = values_of(stored.dashboard, None)
        await self._load_params()
        self.editing = self.mine and self.router.url.query_parameters.get("edit") == "1"
        return DashboardState.refresh_tiles

    def _show(self, stored) -> None:
        d = stored.dashboard
        self.dashboard_id, self._dashboard, self._revision = stored.id, d, stored.revision
        self.title, self.description, self.owner = d.title, d.description, stored.owner
        self.mine = stored.owner == self._identity().user
        self.tiles = [self._tile_entry(i, t) for i, t in enumerate(d.tiles)]
        self.figures = [go.Figure() for _ in d.tiles]

    @staticmethod
    def _tile_entry(i: int, t: model.Tile) -> dict[str, Any]:
        pos = t.position or model.Position()
        return {
            "index": i, "title": t.title, "viz": t.viz.type, "state": "loading", "error": "", "note": "",
            "style": f"{pos.x + 1} / span {pos.w}", "row": f"{pos.y + 1} / span {pos.h}", "height": f"{pos.h * 70}px",
            "counter": "", "columns": [], "rows": [], "csv": "", "clickable": t.viz.on_click is not None,
        }

    async def _load_params(self) -> None:
        assert self._dashboard is not None
        out = []
        for p in self._dashboard.parameters:
            value = self._values.get(p.name)
            entry: dict[str, Any] = {"name": p.name, "label": p.shown, "type": p.type, "value": "", "start": "", "end": "", "choices": []}
            if p.type == "date_range" and value:
                entry["start"], entry["end"] = value[0].isoformat(), value[1].isoformat()
            elif value is not None:
                entry["value"] = value.isoformat() if isinstance(value, dt.date) else str(value)
            if p.type == "list":
                try:
                    entry["choices"] = await asyncio.to_thread(services().refresher.choices, p, self._identity())
                except QueryError as err:
                    entry["choices"], self.error = [], f"Parameter {p.shown}: {err}"
                if entry["value"] and entry["value"] not in entry["choices"]:
                    entry["choices"] = [entry["value"], *entry["choices"]]
            out.append(entry)
        self.params = out

    # --- parameters ---
    def _set_value(self, name: str, value: Any) -> bool:
        if self._dashboard is None or not isinstance(name, str):
            return False
        param = next((p for p in self._dashboard.parameters if p.name == name), None)
        if param is None:
            return False
        try:
            coerced = values_of(self._dashboard, {**as_given(self._values), name: value})[name]
        except model.DashboardError as err:
            self.error = str(err)
            return False
        self.error = ""
        self._values = {**self._values, name: coerced}
        return True

    @rx.event
    async def set_param(self, name: str, value: str):
        if not isinstance(value, str):
            return
        if self._set_value(name, value):
            await self._load_params()
            return DashboardState.refresh_tiles

    @rx.event
    async def set_range(self, name: str, which: str, value: str):
        if which not in ("start", "end") or not isinstance(value, str) or not isinstance(name, str):
            return
        current = self._values.get(name)
        if not isinstance(current, tuple):
            return
        pair = [current[0].isoformat(), current[1].isoformat()]
        pair[0 if which == "start" else 1] = value
        if self._set_value(name, pair):
            await self._load_params()
            return DashboardState.refresh_tiles

    @rx.event
    async def chart_click(self, index: int, points: list[dict]):
        """Cross-filtering: a click on a mark sets the parameter the tile declares."""
        if self._dashboard is None or type(index) is not int or not 0 <= index < len(self._dashboard.tiles):
            return
        click = self._dashboard.tiles[index].viz.on_click
        if click is None or not isinstance(points, list) or not points or not isinstance(points[0], dict):
            return
        value = points[0].get("label", points[0].get("x"))
        if value is None or isinstance(value, (dict, list)):
            return
        if self._set_value(click.parameter, str(value)):
            await self._load_params()
            return DashboardState.refresh_tiles

    # --- refresh ---
    @rx.event
    def refresh(self):
        return DashboardState.refresh_tiles(True)

    @rx.event
    def set_auto_refresh(self, value: str):
        if value in AUTO_REFRESH:
            self.auto_refresh = value
            self._auto_generation += 1  # any running loop stops
            if AUTO_REFRESH[value]:
                return DashboardState.auto_refresh_loop

    @rx.event(background=True)
    async def auto_refresh_loop(self):
        async with self:
            mine, chosen = self._auto_generation, self.auto_refresh
            token = self.router.session.client_token
        while AUTO_REFRESH.get(chosen):
            await asyncio.sleep(AUTO_REFRESH[chosen])
            async with self:
                # A newer choice, leaving the page, or a closed tab ends this loop.
                if self._auto_generation != mine or not self.dashboard_id or not _connected(token):
                    return
            yield DashboardState.refresh_tiles(True)

    @rx.event(background=True)
    async def refresh_tiles(self, fresh: bool = False):
        svc = services()
        async with self:
            if self._dashboard is None:
                return
            token = self.router.session.client_token
            previous = REFRESHING.get(token)
            if previous is not None:
                previous.cancel()  # the old values' tiles are no longer wanted
            run = REFRESHING[token] = RefreshRun()
            self._generation += 1
            generation, dashboard, values = self._generation, self._dashboard, dict(self._values)
            identity, dashboard_id = self._identity(), self.dashboard_id
            self.refreshing = True
            self.tiles = [{**t, "state": "loading", "error": ""} for t in self.tiles]
        # Tiles that finish close together go to the page in one update, not one each.
        pending: dict[int, tuple[dict[str, Any], go.Figure]] = {}
        flushed = time.monotonic()
        try:
            async for result in svc.refresher.tiles(dashboard, as_given(values), identity, run=run, fresh=bool(fresh)):
                pending[result.index] = await asyncio.to_thread(_render, dashboard, result, dashboard_id, values)
                if time.monotonic() - flushed >= FLUSH_S:
                    async with self:
                        if self._generation != generation:
                            return
                        self._apply(pending)
                    pending, flushed = {}, time.monotonic()
        except model.DashboardError as err:
            async with self:
                self.error = str(err)
        finally:
            async with self:
                if REFRESHING.get(token) is run:
                    REFRESHING.pop(token, None)
                if self._generation == generation:
                    self._apply(pending)
                    self.refreshing = False
                    self.last_refresh = dt.datetime.now().strftime("%H:%M:%S")

    def _apply(self, done: dict[int, tuple[dict[str, Any], go.Figure]]) -> None:
        if not done:
            return
        tiles, figures = list(self.tiles), list(self.figures)
        for index, (entry, figure) in done.items():
            if index < len(tiles):
                tiles[index] = {**tiles[index], **entry}
                figures[index] = figure
        self.tiles, self.figures = tiles, figures

    @rx.event
    def leave(self):
        """The page closed or moved on: stop what it was still running."""
        run = REFRESHING.pop(self.router.session.client_token, None)
        if run is not None:
            run.cancel()
        self._generation += 1
        self._auto_generation += 1
        self.auto_refresh = "off"

    # --- editing (owner only; the store checks the owner again) ---
    @rx.event
    def toggle_edit(self):
        self.editing = self.mine and not self.editing

    async def _save(self, dashboard: model.Dashboard) -> bool:
        try:
            stored = await asyncio.to_thread(
                services().dashboards.save, self.dashboard_id, self._identity().user, dashboard, revision=self._revision
            )
        except (DashboardConflict, NotOwner, DashboardNotFound) as err:
            self.error = str(err)
            return False
        self._show(stored)
        self._values = {k: v for k, v in self._values.items() if any(p.name == k for p in stored.dashboard.parameters)}
        self._values = values_of(stored.dashboard, as_given(self._values))
        await self._load_params()
        self.error, self.notice = "", "Saved."
        return True

    def _edited(self, tiles: list[model.Tile]) -> model.Dashboard | None:
        if self._dashboard is None or not self.mine:
            return None
        try:
            return model.from_data({**self._dashboard.model_dump(mode="json"), "tiles": [t.model_dump(mode="json") for t in tiles]})
        except model.DashboardError as err:
            self.error = str(err)
            return None

    async def _change_tiles(self, tiles: list[model.Tile]):
        dashboard = self._edited(tiles)
        if dashboard is not None and await self._save(dashboard):
            return DashboardState.refresh_tiles
        return None

    def _tile_at(self, index: Any) -> model.Tile | None:
        if self._dashboard is None or type(index) is not int or not 0 <= index < len(self._dashboard.tiles):
            return None
        return self._dashboard.tiles[index]

    @rx.event
    async def move_tile(self, index: int, dx: int, dy: int, dw: int, dh: int):
        tile = self._tile_at(index)
        if tile is None or not all(type(v) is int and -12 <= v <= 12 for v in (dx, dy, dw, dh)):
            return
        pos = tile.position or model.Position()
        w = max(1, min(model.GRID_COLUMNS, pos.w + dw))
        x = max(0, min(model.GRID_COLUMNS - w, pos.x + dx))
        new = tile.model_copy(update={"position": model.Position(x=x, y=max(0, pos.y + dy), w=w, h=max(1, min(40, pos.h + dh)))})
        tiles = list(self._dashboard.tiles)  # type: ignore[union-attr]
        tiles[index] = new
        return await self._change_tiles(tiles)

    @rx.event
    async def remove_tile(self, index: int):
        if self._tile_at(index) is None:
            return
        tiles = list(self._dashboard.tiles)  # type: ignore[union-attr]
        del tiles[index]
        return await self._change_tiles(tiles)

    @rx.event
    async def duplicate_tile(self, index: int):
        tile = self._tile_at(index)
        if tile is None:
            return
        pos = tile.position or model.Position()
        copy = tile.model_copy(update={"title": f"{tile.title} (copy)"[:200], "position": pos.model_copy(update={"y": pos.y + pos.h})})
        return await self._change_tiles([*self._dashboard.tiles, copy])  # type: ignore[union-attr]

    @rx.event
    def edit_tile(self, index: int):
        tile = self._tile_at(index) if index != -1 else None
        if not self.mine or (tile is None and index != -1):
            return
        self.tile_index = index
        self.tile_title = tile.title if tile else "New tile"
        self.tile_sql = tile.sql if tile else "SELECT 1 AS value"
        self.tile_viz = tile.viz.type if tile else "table"
        self.tile_x = tile.viz.x if tile else ""
        self.tile_y = ", ".join(tile.viz.y) if tile else ""
        self.tile_value = tile.viz.value if tile else ""
        self.tile_error, self.tile_preview, self.tile_preview_columns = "", [], []
        self.tile_open = True

    @rx.event
    def set_tile_field(self, field: str, value: str):
        if field in ("title", "sql", "viz", "x", "y", "value") and isinstance(value, str):
            if field == "viz" and value not in model.VIZ_TYPES:
                return
            setattr(self, f"tile_{field}", value[: 100_000 if field == "sql" else 500])

    @rx.event
    def close_tile(self):
        self.tile_open = False

    def _tile_from_fields(self) -> model.Tile | None:
        old = self._tile_at(self.tile_index)
        data = {
            "title": self.tile_title,
            "sql": self.tile_sql,
            "viz": {
                "type": self.tile_viz, "x": self.tile_x.strip(), "value": self.tile_value.strip(),
                "y": [y.strip() for y in self.tile_y.split(",") if y.strip()],
                **({"on_click": old.viz.on_click.model_dump()} if old and old.viz.on_click else {}),
            },
        }
        if old is not None and old.position is not None:
            data["position"] = old.position.model_dump()
        try:
            tile = model.Tile.model_validate(data)
            # The whole dashboard checks the SQL is read-only and names the tile.
            probe = [*(self._dashboard.tiles if self._dashboard else []), tile]
            model.from_data({**(self._dashboard.model_dump(mode="json") if self._dashboard else {}), "tiles": [t.model_dump(mode="json") for t in probe]})
        except (model.DashboardError, ValueError) as err:
            self.tile_error = str(err).splitlines()[0] if not isinstance(err, model.DashboardError) else str(err)
            return None
        return tile

    @rx.event
    async def preview_tile(self):
        tile = self._tile_from_fields()
        if tile is None or self._dashboard is None:
            return
        preview = self._dashboard.model_copy(update={"tiles": [tile]})
        [result] = await services().refresher.all_tiles(preview, as_given(self._values), self._identity(), fresh=True)
        if result.status != "ok" or result.result is None:
            self.tile_error, self.tile_preview, self.tile_preview_columns = result.error, [], []
            return
        table = result.result.table
        self.tile_error = ""
        self.tile_preview_columns = list(table.column_names)
        self.tile_preview = format_rows(table.slice(0, 10))

    @rx.event
    async def save_tile(self):
        tile = self._tile_from_fields()
        if tile is None or self._dashboard is None:
            return
        tiles = list(self._dashboard.tiles)
        if self._tile_at(self.tile_index) is not None:
            tiles[self.tile_index] = tile
        else:
            tiles.append(tile)
        result = await self._change_tiles(tiles)
        if result is not None:
            self.tile_open = False
        return result

    @rx.event
    def open_file(self):
        if self._dashboard is None or not self.mine:
            return
        self.file_text, self.file_error, self.file_open = model.dump(self._dashboard), "", True

    @rx.event
    def set_file_text(self, value: str):
        if isinstance(value, str):
            self.file_text = value[: model.MAX_FILE_BYTES]

    @rx.event
    def close_file(self):
        self.file_open = False

    @rx.event
    async def save_file(self):
        if not self.mine:
            return
        try:
            dashboard = model.parse(self.file_text)
        except model.DashboardError as err:
            self.file_error = str(err)
            return
        if await self._save(dashboard):
            self.file_open = False
            return DashboardState.refresh_tiles
        self.file_error = self.error

    @rx.event
    async def save_to_files(self):
        """Writes the dashboard to the file store's dashboards/ folder, for version control."""
        if self._dashboard is None:
            return
        path = f"{FILES_FOLDER}/{model.file_name(self._dashboard.title, 'yaml')}"
        store, ident = services().files, self._identity()
        token = CALLER.set(ident)
        try:
            def write() -> None:
                text = model.dump(self._dashboard)  # type: ignore[arg-type]
                try:
                    current = store.read_text(path)
                except FileStoreError:
                    current = None
                store.write_text(path, text, current.version if current else None, ident.user)

            await asyncio.to_thread(write)
        except (FileStoreError, PathNotAllowed, QueryError) as err:
            self.error = str(err)
            return
        finally:
            CALLER.reset(token)
        self.error, self.notice = "", f"Saved to the files as {path}."

    @rx.event
    async def duplicate(self):
        if not self.dashboard_id:
            return
        stored = await asyncio.to_thread(services().dashboards.duplicate, self.dashboard_id, self._identity().user)
        return rx.redirect(f"/dashboards/{stored.id}")


class PinState(AppState):
    """"Pin to dashboard" beside a result: its SQL and its chart become a tile."""

    open: bool = False
    targets: list[dict[str, str]] = []  # the caller's own dashboards
    target: str = ""  # a dashboard id, or "" for a new dashboard
    title: str = ""
    error: str = ""
    pinned: str = ""  # the dashboard the last pin went to
    # A pin from a chat answer's card: its SQL and chart, set by the server (ChatState.pin).
    _given_sql: str = ""
    _given_viz: dict[str, Any] = {}

    @rx.event
    async def start(self):
        from .results import ResultsState

        results = await self.get_state(ResultsState)
        if not results.result_id:
            return
        self._given_sql, self._given_viz = "", {}
        await self._open_dialog("Pinned query")

    async def _start_for(self, sql: str, viz: dict[str, Any], title: str) -> None:
        """Opens the dialog to pin `sql` (with `viz`) rather than the workbench's result."""
        self._given_sql, self._given_viz = sql, dict(viz)
        await self._open_dialog(title[:200])

    async def _open_dialog(self, title: str) -> None:
        me = self._identity().user
        rows = await asyncio.to_thread(lambda: services().dashboards.list())
        self.targets = [{"id": r.id, "title": r.title} for r in rows if r.owner == me]
        self.target = self.targets[0]["id"] if self.targets else NEW
        self.title, self.error, self.pinned, self.open = title, "", "", True

    @rx.event
    def set_target(self, value: str):
        if value == NEW or any(t["id"] == value for t in self.targets):
            self.target = value

    @rx.event
    def set_title(self, value: str):
        if isinstance(value, str):
            self.title = value[:200]

    @rx.event
    def close(self):
        self.open = False

    @rx.event
    async def pin(self):
        from .chart import ChartState
        from .results import ResultsState

        svc, user = services(), self._identity().user
        if self._given_sql:
            sql, viz = self._given_sql, self._given_viz or {"type": "table"}
        else:
            results, chart = await self.get_state(ResultsState), await self.get_state(ChartState)
            try:
                item = svc.results.get(results.result_id, owner=user)
            except Exception:  # noqa: BLE001 - ResultNotFound: the result expired meanwhile
                self.error = "This result has expired: run the query again, then pin it."
                return
            sql = item.sql
            # The chart as the user left it, if they charted this result; else a table.
            viz = {"type": "table"}
            if chart._for_result == results.result_id and chart.x:
                viz = {"type": chart.kind, "x": chart.x, "y": list(chart.ys)}
        tile: dict[str, Any] = {"title": self.title.strip() or "Pinned query", "sql": sql, "viz": viz}
        store = svc.dashboards
        try:
            if self.target != NEW:
                stored = await asyncio.to_thread(store.get, self.target)
                d = stored.dashboard
                bottom = max(((t.position.y + t.position.h) if t.position else 0 for t in d.tiles), default=0)
                tile["position"] = {"x": 0, "y": bottom, "w": 6, "h": 4}
                new = model.from_data({**d.model_dump(mode="json"), "tiles": [*(t.model_dump(mode="json") for t in d.tiles), tile]})
                saved = await asyncio.to_thread(store.save, self.target, user, new, revision=stored.revision)
            else:
                new = model.from_data({"title": "New dashboard", "tiles": [tile]})
                saved = await asyncio.to_thread(store.create, user, new)
        except model.DashboardError as err:
            self.error = str(err)
            return
        self.pinned, self.open = saved.id, False


NEW = "__new__"


def _connected(token: str) -> bool:
    """Whether the tab is still open (its websocket still linked to the app)."""
    from reflex.utils.prerequisites import get_and_validate_app

    try:
        namespace = get_and_validate_app().app.event_namespace
    except Exception:  # noqa: BLE001 - no app to ask (a test without the framework): keep going
        return True
    return namespace is None or token in namespace.token_to_sid


def _render(dashboard: model.Dashboard, r: TileResult, dashboard_id: str, values: dict[str, Any]) -> tuple[dict[str, Any], go.Figure]:
    """A tile's page entry and figure from its result: a chart, a counter or a table."""
    tile = dashboard.tiles[r.index]
    if r.status != "ok" or r.result is None:
        return {"state": r.status, "error": r.error, "rows": [], "columns": [], "counter": ""}, go.Figure()
    table = r.result.table
    given = json.dumps(as_given(values), default=str)
    csv = f"/api/dashboards/{dashboard_id}/tiles/{r.index}/download?parameters={urllib.parse.quote(given)}"
    entry: dict[str, Any] = {"state": "ok", "error": "", "csv": csv, "note": "truncated" if r.result.truncated else "",
                             "rows": [], "columns": [], "counter": ""}
    viz = tile.viz
    figure = go.Figure()
    if viz.type == "counter":
        column = viz.value if viz.value in table.column_names else (table.column_names[0] if table.num_columns else "")
        if column and table.num_rows:
            entry["counter"] = format_rows(table.select([column]).slice(0, 1))[0][0] or "NULL"
        else:
            entry["counter"] = "—"
    elif viz.type == "table":
        entry["columns"] = list(table.column_names)
        entry["rows"] = format_rows(table.slice(0, TABLE_ROWS))
    else:
        try:
            guess = charts.guess(table)
            spec = charts.ChartSpec(
                viz.type,
                viz.x if viz.x in table.column_names else guess.x,
                tuple(y for y in viz.y if y in table.column_names) or guess.ys,
                viz.color if viz.color in table.column_names else "",
                "none",  # a tile's SQL aggregates; repeated x values are still summed
            )
            data = charts.build(table, spec)
            figure, entry["note"] = data.figure, data.note
        except charts.ChartError as err:
            entry.update(state="error", error=str(err))
    return entry, figure
