"""backupctl: which AWS Backup jobs failed, where and why, across an AWS Organization."""

__version__ = "0.1.0.dev0"
