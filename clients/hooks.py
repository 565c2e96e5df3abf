"""Listeners told about API token events; clients is the ground floor and imports no app above
it, so the audit log registers here instead of being called from clients' services."""

from django.dispatch import Signal

# sent with actor, token
api_token_created = Signal()
# sent with actor, token, because
api_token_revoked = Signal()
# sent with because, user, client, count (no actor: suspension and similar sweeps)
api_tokens_revoked_all = Signal()
