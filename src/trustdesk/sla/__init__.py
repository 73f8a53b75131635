"""Service levels: business calendars, SLA policies and conversation clocks (pure: calendar, policy,
clock), and their storage, sweep and escalation (service)."""
