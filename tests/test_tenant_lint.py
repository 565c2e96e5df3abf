"""Lint: the request-facing layers read tenant-owned rows only through `visible_to(user)`.

Tenant models are derived from the app registry: every model of our apps with a `client` foreign
key or a queryset deriving from `itsm.tenancy.TenantQuerySet`, which includes User and Client.

Rules, by layer:
- Views, API, forms, serializers, selectors, reports and the end-user portal: a tenant model's
  manager is used only as `.objects.visible_to(...)` or `.objects.none()` (form/serializer
  placeholders narrowed per request); no `get_object_or_404(Model, ...)`. Selectors are where the
  scoping happens, so they are held to the same rule rather than exempted.
- Admin modules: reads are unscoped on purpose (the admin is the installation-wide view), but
  they never write tenant rows through a manager; writes go through services.
- A few reads are unscoped by design; they are listed in ALLOWED with the reason, each entry
  must still match a line (a stale entry fails too).
"""

import re
from pathlib import Path

from django.apps import apps
from django.db import models

from itsm.tenancy import TenantQuerySet

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = (
    "itsm",
    "clients",
    "tickets",
    "sla",
    "users_portal",
    "notifications",
    "reports",
    "complaints",
    "satisfaction",
    "dashboards",
    "monthly",
    "robots",
)
REQUEST_LAYERS = ("views", "api", "forms", "serializers", "selectors")
WHOLE_APPS = ()  # apps whose every module serves requests (none: reports/ has services now)
MANAGER = r"\.(?:objects|_default_manager|_base_manager)\."
WRITES = r"(?:create|bulk_create|get_or_create|update_or_create|update|bulk_update|delete)\("

# (file, text on the line): why it may be unscoped.
ALLOWED = {
    ("clients/selectors.py", "Invitation.objects.select_related"): (
        "the invitation token is the credential; the visitor has no account yet"
    ),
    ("clients/forms.py", "User.objects.filter(username__iexact"): (
        "usernames are unique installation-wide; only a yes/no answer is used"
    ),
    ("tickets/selectors.py", "User.objects.filter("): (
        "matched people only narrow a ticket queryset that is already visible_to(user)"
    ),
    ("tickets/selectors.py", "TicketEvent.objects.filter("): (
        "a subquery correlated (OuterRef) to ratings already read through visible_to(user)"
    ),
    ("tickets/selectors.py", "latest = Rating.objects.filter(ticket=OuterRef"): (
        "a subquery correlated (OuterRef) to tickets already read through visible_to(user)"
    ),
    ("sla/selectors.py", "clocks = SlaClock.objects.filter(ticket_id=OuterRef"): (
        "a subquery correlated (OuterRef) to tickets already read through visible_to(user)"
    ),
    ("reports/complaints/selectors.py", "User.objects.filter("): (
        "complaint handlers are provider staff (team leads, admins), not a client's people"
    ),
    ("reports/notices/selectors.py", "NoticeTarget.objects.filter(notice_id__in=ids)"): (
        "finds the clients an agent does not serve among notices already visible to them"
    ),
    ("reports/satisfaction/selectors.py", "SurveyAnswer.objects.filter(invitation__round_id__in"): (
        "answers of survey rounds the caller already read through visible_to(user)"
    ),
}
# Tenant-keyed rows no request reads: label -> why they need no visible_to().
INTERNAL = {
    "tickets.TicketCounter": "per-client reference counter, locked by ticket_reference_allocate",
}


def tenant_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        queryset = type(model._default_manager.get_queryset())
        has_client_fk = any(
            f.name == "client" and f.is_relation and f.related_model._meta.label == "clients.Client"
            for f in model._meta.get_fields()
        )
        if has_client_fk or issubclass(queryset, TenantQuerySet):
            found.append(model)
    return found


def names() -> str:
    return "|".join(sorted(m.__name__ for m in tenant_models()))


def request_layer_files():
    for path in sorted(ROOT.glob("*/*.py")) + sorted(ROOT.glob("*/*/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] not in OUR_APPS or "migrations" in rel.parts or "management" in rel.parts:
            continue
        stem = path.stem.split("_")[0]
        parent = rel.parts[-2] if len(rel.parts) > 2 else ""
        if stem in REQUEST_LAYERS or parent in REQUEST_LAYERS or rel.parts[0] in WHOLE_APPS:
            yield path


def admin_files():
    return [p for p in ROOT.glob("*/admin.py") if p.parent.name in OUR_APPS]


def scan(paths, pattern):
    used = set()
    hits = []
    for path in paths:
        rel = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not pattern.search(line):
                continue
            allowed = [key for key in ALLOWED if key[0] == rel and key[1] in line]
            if allowed:
                used.update(allowed)
            else:
                hits.append(f"{rel}:{number}: {line.strip()}")
    return hits, used


def unscoped_read_pattern():
    return re.compile(
        rf"\b({names()}){MANAGER}(?!visible_to\(|none\(\))"
        rf"|get_(?:object|list)_or_404\(\s*({names()})\b"
    )


def test_model_list_is_derived_and_complete():
    derived = {m._meta.label for m in tenant_models()}
    for label in ("clients.User", "clients.Client", "clients.Site", "tickets.Ticket"):
        assert label in derived
    assert {"tickets.TicketEvent", "tickets.Attachment", "sla.SlaClock"} <= derived


def test_every_model_with_a_client_key_scopes_through_tenancy():
    loose = [
        m._meta.label
        for m in tenant_models()
        if m._meta.label not in INTERNAL
        and not issubclass(type(m._default_manager.get_queryset()), TenantQuerySet)
    ]
    assert not loose, f"give these a queryset deriving from TenantQuerySet: {loose}"


def test_no_unscoped_tenant_queries_in_request_layers():
    files = list(request_layer_files())
    assert any(p.name == "selectors.py" for p in files) and any(p.name == "api.py" for p in files)
    found, used = scan(files, unscoped_read_pattern())
    assert not found, "use visible_to()/selectors instead of .objects.:\n" + "\n".join(found)
    stale = set(ALLOWED) - used
    assert not stale, f"ALLOWED entries that match nothing any more: {stale}"


def test_admin_never_writes_tenant_rows_past_the_services():
    pattern = re.compile(rf"\b({names()}){MANAGER}(?:.*\.)?{WRITES}")
    found, _ = scan(admin_files(), pattern)
    assert not found, "write through a service, not the manager:\n" + "\n".join(found)


def test_the_lint_catches_what_it_should():
    read = unscoped_read_pattern()
    assert read.search("rows = Ticket.objects.filter(client=c)")
    assert read.search("user = User.objects.get(pk=pk)")
    assert read.search("Client._default_manager.all()")
    assert read.search("get_object_or_404(Attachment, pk=pk)")
    assert not read.search("Ticket.objects.visible_to(request.user)")
    assert not read.search("Site.objects.none()")
    write = re.compile(rf"\b({names()}){MANAGER}(?:.*\.)?{WRITES}")
    assert write.search("TicketEvent.objects.filter(ticket=t).delete()")
    assert not write.search("Client.objects.get(pk=previous)")
