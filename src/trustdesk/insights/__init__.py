"""What a support lead sees at a glance: daily series of volume, response times, bot containment and
guard events (series.py, pure), drawn as accessible SVG charts (charts.py, pure), gathered from the
database per tenant (collect.py)."""
