"""Writes of the clients app: invitations."""

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError
from itsm.outbox import email_enqueue
from itsm.tenancy import Role

from .models import Client, Invitation, Site, User


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
    base_url: str = "",
) -> Invitation:
    """Invite someone to `client`; emails the link after commit."""
    ensure_can_invite(actor, client=client, role=role)
    if site is not None and site.client_id != client.pk:
        raise ApplicationError(_("The site belongs to another client."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("Someone with this email address already has an account."))
    if not client.is_active:
        raise ApplicationError(_("The client is suspended; nobody can be invited."))
    invitation = Invitation.objects.create(
        client=client, site=site, email=email, role=role, language=language, invited_by=actor
    )
    link = base_url + reverse("clients:invitation-accept", args=[invitation.token])
    with translation.override(language):
        email_enqueue(
            to=email,
            subject=_("You are invited to the %(client)s IT service portal")
            % {"client": client.name},
            body=render_to_string(
                "clients/email/invitation.txt", {"invitation": invitation, "link": link}
            ),
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Turn a usable invitation into an account; the invitation cannot be used again."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        raise ApplicationError(_("This invitation is no longer valid. Ask for a new one."))
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
    user.full_clean()
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user
