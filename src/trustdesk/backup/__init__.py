"""Backups of a whole desk: the database, the attachments on disk and the keys, in one archive with a
manifest of checksums; restored only into an empty place, after every checksum has been checked.

    create_backup(settings, engine, Path("desk.tar.gz"))
    verify_backup(Path("desk.tar.gz"))
    restore_backup(Path("desk.tar.gz"), data_dir=Path("/srv/trustdesk-new"))
"""

from trustdesk.backup.archive import BackupError, Manifest, verify_backup
from trustdesk.backup.service import create_backup, restore_backup

__all__ = ["BackupError", "Manifest", "create_backup", "restore_backup", "verify_backup"]
