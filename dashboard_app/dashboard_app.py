"""The Reflex app: registers the pages and the HTTP routes; nothing else."""

import reflex as rx

from .api.app import build
from .pages.chat import ON_LOAD as CHAT_ON_LOAD, chat_page
from .pages.dashboards import LIST_ON_LOAD, VIEW_ON_LOAD, dashboard_list, dashboard_view
from .pages.files import ON_LOAD as FILES_ON_LOAD, files_page
from .pages.workbench import ON_LOAD as WORKBENCH_ON_LOAD, workbench

app = rx.App(api_transformer=build(), stylesheets=["/app.css"])
app.add_page(workbench, route="/", title="SQL · Lakehouse workbench", on_load=WORKBENCH_ON_LOAD)
app.add_page(files_page, route="/files", title="Files · Lakehouse workbench", on_load=FILES_ON_LOAD)
app.add_page(dashboard_list, route="/dashboards", title="Dashboards · Lakehouse workbench", on_load=LIST_ON_LOAD)
app.add_page(dashboard_view, route="/dashboards/[dashboard]", title="Dashboard · Lakehouse workbench", on_load=VIEW_ON_LOAD)
app.add_page(chat_page, route="/chat", title="Chat · Lakehouse workbench", on_load=CHAT_ON_LOAD)
