"""/healthz: database, broker and beat heartbeat, as JSON; 503 naming the failing part."""

import re

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .celery import app as celery_app
from .models import Heartbeat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "engine": connection.vendor}


def check_broker() -> dict:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}


def check_heartbeat() -> dict:
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return {"ok": False, "error": "no heartbeat recorded yet: is celery beat running?"}
    age = (timezone.now() - beat.beat_at).total_seconds()
    ok = age <= settings.HEARTBEAT_MAX_AGE_SECONDS
    result = {"ok": ok, "last_beat": beat.beat_at.isoformat(), "age_seconds": round(age)}
    if not ok:
        result["error"] = f"last heartbeat {round(age)} s ago: worker or beat stopped"
    return result


CREDENTIALS = re.compile(r"(\w+://)[^/@\s]*@")
CHECKS = {"database": check_database, "broker": check_broker, "heartbeat": check_heartbeat}


@never_cache
def healthz(request):
    parts = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as exc:  # any failure of a part is reported, never raised
            # The page is public: never echo credentials that a URL in the message may carry.
            message = CREDENTIALS.sub(r"\1***@", f"{type(exc).__name__}: {exc}")
            parts[name] = {"ok": False, "error": message}
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not failing else "unhealthy", "failing": failing, **parts}
    return JsonResponse(body, status=200 if not failing else 503)
