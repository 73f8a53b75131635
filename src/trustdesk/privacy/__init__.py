"""Data-subject requests (GDPR art. 15 and 17): find a person in one tenant, export what is held
about them as one archive, erase it and leave a tombstone that names nobody.

Pure parts: `subject` (look-ups, keyed hash), `inventory` (where personal data lives), `archive`
(zip + manifest). Storage: `finder`, `export`, `erasure`, `caches`; `service` ties them together.
"""
