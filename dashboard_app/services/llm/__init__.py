"""The chat agent: a model client, tools over the engine, catalog and files, and the loop."""
