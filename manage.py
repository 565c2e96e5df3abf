#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    from itsm.env import dev_env_load

    dev_env_load(
        Path(os.environ.get("VAR_DIR") or Path(__file__).resolve().parent / "var") / "dev.env"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
