"""The Celery application, configured from Django settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("reckon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Scheduler(PersistentScheduler):
    """Celery's file-backed beat scheduler, creating the folder of its state file.

    The state file lives under var/ (CELERY_BEAT_SCHEDULE_FILENAME), which a
    fresh clone does not have when PostgreSQL and Redis are configured (nothing
    else writes there then); Celery's own scheduler crashes on the missing folder.
    """

    def setup_schedule(self) -> None:
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
