"""Writes of the clients app: invitations and personal API tokens."""

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm.exceptions import ApplicationError
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue
from itsm.tenancy import Role

from . import hooks
from .models import (
    API_TOKEN_PREFIX,
    INVITATION_VALID_FOR,
    ApiToken,
    Client,
    Invitation,
    Site,
    User,
    api_token_hash,
)


@transaction.atomic
def user_language_set(*, actor: User, language: str) -> User:
    """Store the person's language choice (the switcher): applied at their next sign-in and
    used for their emails."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language."))
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor


def ensure_can_invite(actor: User, *, client: Client, role: str) -> None:
    if actor.is_admin_role:
        return
    if actor.role == Role.CLIENT_MANAGER and actor.client_id == client.pk and role == Role.END_USER:
        return
    raise PermissionDenied(_("You may not invite this person."))


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    client: Client,
    email: str,
    role: str,
    site: Site | None = None,
    language: str = "zh-hans",
    now: datetime | None = None,
) -> Invitation:
    """Invite someone to `client`; emails the link after commit.

    An address that already has an account the inviter cannot see (another client's person,
    provider staff) gets the same answer and the same pending row as a new one, so a client
    manager cannot probe who has an account elsewhere; its owner is emailed that the address
    is taken instead of a link.
    """
    ensure_can_invite(actor, client=client, role=role)
    if site is not None and site.client_id != client.pk:
        raise ApplicationError(_("The site belongs to another client."))
    if not client.is_active:
        raise ApplicationError(_("The client is suspended; nobody can be invited."))
    now = now or timezone.now()
    email = email.strip().lower()
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None and User.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise ApplicationError(_("Someone with this email address already has an account."))
    _replace_expired_invitation(client=client, email=email, now=now)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                client=client,
                site=site,
                email=email,
                role=role,
                language=language,
                invited_by=actor,
                expires_at=now + INVITATION_VALID_FOR,
            )
    except IntegrityError:
        raise ApplicationError(_("This address already has a pending invitation.")) from None
    if owner is None:
        _send_invitation(
            invitation,
            link=absolute_reverse("clients:invitation-accept", args=[invitation.token]),
        )
    else:
        _send_address_taken_notice(invitation, owner=owner)
    return invitation


def _replace_expired_invitation(*, client: Client, email: str, now: datetime) -> None:
    pending = Invitation.objects.select_for_update().filter(
        client=client, email__iexact=email, accepted_at__isnull=True
    )
    for old in pending:
        if old.is_usable(now):
            raise ApplicationError(
                _("This address already has a pending invitation, valid until %(until)s.")
                % {"until": timezone.localtime(old.expires_at).strftime("%Y-%m-%d %H:%M")}
            )
        old.delete()


def _send_invitation(invitation: Invitation, *, link: str) -> None:
    with translation.override(invitation.language):
        email_enqueue(
            to=invitation.email,
            subject=_("You are invited to the %(client)s IT service portal")
            % {"client": invitation.client.name},
            body=render_to_string(
                "clients/email/invitation.txt", {"invitation": invitation, "link": link}
            ),
        )


def _send_address_taken_notice(invitation: Invitation, *, owner: User) -> None:
    with translation.override(owner.language or invitation.language):
        email_enqueue(
            to=owner.email,
            subject=_("Invitation to the %(client)s IT service portal")
            % {"client": invitation.client.name},
            body=render_to_string(
                "clients/email/invitation_address_taken.txt",
                {"invitation": invitation, "login_link": absolute_reverse("account_login")},
            ),
        )


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Turn a usable invitation into an account; the invitation cannot be used again."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        raise ApplicationError(_("This invitation is no longer valid. Ask for a new one."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(str(_ADDRESS_TAKEN))
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("This username is taken; choose another."))
    user = User(
        username=username,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        role=invitation.role,
        client=invitation.client,
        site=invitation.site,
        language=invitation.language,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Accepted at the same moment as another invitation to this address or username.
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ApplicationError(str(_ADDRESS_TAKEN)) from None
        raise ApplicationError(_("This username is taken; choose another.")) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


_ADDRESS_TAKEN = gettext_lazy(
    "This email address already has an account. Sign in with it, or ask for an invitation to "
    "another address."
)


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new personal access token of `actor`; returns it with its key, which is never stored."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name, e.g. the script that will use it."))
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        key_hash=api_token_hash(key),
        key_start=key[: len(API_TOKEN_PREFIX) + 4],
        created_at=now or timezone.now(),
    )
    hooks.api_token_created.send(sender=ApiToken, actor=actor, token=token)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, now: datetime | None = None) -> ApiToken:
    """End `token` now: by its owner, or by an administrator."""
    if token.user_id == actor.pk:
        because = ApiToken.RevokedBecause.OWNER
    elif actor.is_admin_role:
        because = ApiToken.RevokedBecause.ADMIN
    else:
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.revoked_because = because
        token.save(update_fields=["revoked_at", "revoked_because"])
        hooks.api_token_revoked.send(sender=ApiToken, actor=actor, token=token, because=because)
    return token


@transaction.atomic
def api_tokens_revoke_all(
    *,
    because: str,
    user: User | None = None,
    client: Client | None = None,
    now: datetime | None = None,
) -> int:
    """End every live token of `user` or of all people of `client`; returns how many."""
    if (user is None) == (client is None):
        raise ValueError("name exactly one of user or client")
    tokens = ApiToken.objects.active()
    tokens = tokens.filter(user=user) if user is not None else tokens.filter(user__client=client)
    count = tokens.update(revoked_at=now or timezone.now(), revoked_because=because)
    hooks.api_tokens_revoked_all.send(
        sender=ApiToken, because=because, user=user, client=client, count=count
    )
    return count
