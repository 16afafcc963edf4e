"""The Reflex app: registers the pages and the HTTP routes; nothing else."""

import reflex as rx

from .api import routes
from .pages.workbench import ON_LOAD as WORKBENCH_ON_LOAD, workbench

app = rx.App(
    theme=rx.theme(accent_color="blue", radius="medium"),
    api_transformer=routes(),
)
app.add_page(workbench, route="/", title="SQL · Lakehouse workbench", on_load=WORKBENCH_ON_LOAD)
