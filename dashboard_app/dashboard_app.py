"""The Reflex app: registers the pages and the HTTP routes; nothing else."""

import reflex as rx

from .api import routes
from .pages.files import ON_LOAD as FILES_ON_LOAD, files_page
from .pages.workbench import ON_LOAD as WORKBENCH_ON_LOAD, workbench

app = rx.App(api_transformer=routes(), stylesheets=["/app.css"])
app.add_page(workbench, route="/", title="SQL · Lakehouse workbench", on_load=WORKBENCH_ON_LOAD)
app.add_page(files_page, route="/files", title="Files · Lakehouse workbench", on_load=FILES_ON_LOAD)
