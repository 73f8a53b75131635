"""Data-subject requests (GDPR art. 15 and 17): find a person in one tenant, export what is held
about them as one archive, erase it and leave a tombstone that names nobody.

Pure parts: `subject` (look-ups, keyed hash), `inventory` (where personal data lives), `archive`
(zip + manifest), `retention` (rules). Storage: `finder`, `export`, `erasure`, `removal`, `caches`;
`service` ties them together; `retention_runs` keeps the rules and runs them as batched jobs.
"""
