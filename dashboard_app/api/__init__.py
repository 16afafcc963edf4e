"""The HTTP API under /api: FastAPI routers, one per resource, thin callers of the services.

`app.build()` makes the FastAPI app that `rx.App(api_transformer=...)` mounts in front of the
page; every route takes the caller's identity exactly as the page does (deps.py).
"""
