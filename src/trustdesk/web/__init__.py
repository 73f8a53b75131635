"""The web layer: FastAPI app, JSON API, server-rendered pages. Thin: it calls the domain packages."""
