"""Route modules; app.py includes each module's `router`."""
