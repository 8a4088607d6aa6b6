"""``python -m backupctl``."""

from backupctl.cli.app import main

if __name__ == "__main__":
    main()
