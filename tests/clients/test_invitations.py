"""Invitations: admins invite anyone, client managers end users of their own client."""

import pytest
from django.core import mail
from django.urls import reverse

from clients.models import Invitation, User
from itsm.tenancy import Role

pytestmark = pytest.mark.django_db


def invite(web, **data):
    return web.post(reverse("clients:invitation-create"), data)


def test_manager_invites_end_user_who_accepts(
    login, manager_a, client_a, site_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            login(manager_a),
            email="new@example.cn",
            client=client_a.pk,
            site=site_a.pk,
            role=Role.END_USER,
            language="en",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    assert invitation.token in mail.outbox[0].body
    assert "invited" in mail.outbox[0].subject
    accept = reverse("clients:invitation-accept", args=[invitation.token])
    web = login(manager_a)
    web.logout()
    response = web.post(
        accept,
        {"username": "newbie", "password1": "Str0ng-pass-2026", "password2": "Str0ng-pass-2026"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert (user.client, user.site, user.role, user.email) == (
        client_a,
        site_a,
        Role.END_USER,
        "new@example.cn",
    )
    # Single use.
    assert web.get(accept).status_code == 404


def test_manager_cannot_invite_a_manager(login, manager_a, client_a):
    response = invite(
        login(manager_a),
        email="boss@example.cn",
        client=client_a.pk,
        role=Role.CLIENT_MANAGER,
        language="zh-hans",
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_manager_cannot_invite_into_other_client(login, manager_a, client_b):
    response = invite(
        login(manager_a),
        email="x@example.cn",
        client=client_b.pk,
        role=Role.END_USER,
        language="zh-hans",
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_admin_invites_a_client_manager(login, admin_user, client_b):
    response = invite(
        login(admin_user),
        email="boss@example.cn",
        client=client_b.pk,
        role=Role.CLIENT_MANAGER,
        language="zh-hans",
    )
    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.CLIENT_MANAGER


def test_end_user_cannot_invite(login, user_a1):
    assert login(user_a1).get(reverse("clients:invitation-create")).status_code == 403


def test_weak_password_is_explained_and_invitation_kept(client, admin_user, client_a):
    invitation = Invitation.objects.create(
        client=client_a, email="w@example.cn", invited_by=admin_user
    )
    accept = reverse("clients:invitation-accept", args=[invitation.token])
    response = client.post(accept, {"username": "weak", "password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert not User.objects.filter(username="weak").exists()
    assert client.get(accept).status_code == 200


def test_unknown_token_is_404(client):
    assert client.get(reverse("clients:invitation-accept", args=["nope"])).status_code == 404


def test_taken_username_and_weak_password_are_both_explained(client, admin_user, client_a, user_a1):
    invitation = Invitation.objects.create(
        client=client_a, email="t@example.cn", invited_by=admin_user, language="en"
    )
    accept = reverse("clients:invitation-accept", args=[invitation.token])
    response = client.post(accept, {"username": "user_a1", "password1": "abc", "password2": "abc"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "username is taken" in body and "too short" in body
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- one account per email address, whatever its case (issue 7 item 9) -------------------------


def test_user_email_is_unique_ignoring_case(user_a1, client_a):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from tests.factories import make_user

    # The database refuses it whatever door skips validation...
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="twin", email="USER_A1@example.cn", client=client_a)
    # ...and model validation explains it.
    with pytest.raises(ValidationError, match="already uses this email"):
        make_user(client=client_a, username="twin", email="user_a1@EXAMPLE.cn")
    # Staff without an address are many.
    make_user(role=Role.AGENT, username="no_mail_1", email="")
    make_user(role=Role.AGENT, username="no_mail_2", email="")


def test_admin_form_explains_a_taken_email(login, admin_user, user_a1):
    response = login(admin_user).post(
        reverse("admin:clients_user_add"),
        {
            "username": "twin",
            "password1": "Str0ng-pass-2026",
            "password2": "Str0ng-pass-2026",
            "usable_password": "true",
            "email": "USER_A1@example.cn",
            "role": Role.AGENT,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "Another account already uses this email address." in response.content.decode()
    assert not User.objects.filter(username="twin").exists()


def test_second_invitation_to_the_same_address_in_other_case_is_refused(login, manager_a, client_a):
    web = login(manager_a)
    data = {"client": client_a.pk, "role": Role.END_USER, "language": "en"}
    assert invite(web, email="dup@example.cn", **data).status_code == 302
    response = invite(web, email="DUP@example.cn", **data)
    assert response.status_code == 400
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_expired_invitation_is_replaced(login, manager_a, client_a, admin_user):
    from datetime import timedelta

    from django.utils import timezone

    old = Invitation.objects.create(
        client=client_a,
        email="late@example.cn",
        invited_by=admin_user,
        expires_at=timezone.now() - timedelta(days=1),
    )
    response = invite(
        login(manager_a),
        email="Late@example.cn",
        client=client_a.pk,
        role=Role.END_USER,
        language="en",
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=old.pk).exists()
    assert Invitation.objects.get().email == "late@example.cn"


def accept(client, invitation, username):
    return client.post(
        reverse("clients:invitation-accept", args=[invitation.token]),
        {"username": username, "password1": "Str0ng-pass-2026", "password2": "Str0ng-pass-2026"},
    )


def test_invitations_of_two_clients_to_one_address_make_one_account(
    client, admin_user, client_a, client_b
):
    first = Invitation.objects.create(
        client=client_a, email="dup@example.cn", invited_by=admin_user
    )
    second = Invitation.objects.create(
        client=client_b, email="DUP@example.cn", invited_by=admin_user, language="en"
    )
    assert accept(client, first, "first").status_code == 302
    client.logout()
    response = accept(client, second, "second")
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert User.objects.filter(email__iexact="dup@example.cn").count() == 1


def test_accept_race_on_the_address_is_a_clear_refusal(admin_user, client_a, client_b, monkeypatch):
    """The database constraint decides when both pass the check at the same moment."""
    from clients import services
    from itsm.exceptions import ApplicationError

    first = Invitation.objects.create(client=client_a, email="r@example.cn", invited_by=admin_user)
    second = Invitation.objects.create(client=client_b, email="R@example.cn", invited_by=admin_user)
    services.invitation_accept(token=first.token, username="one", password="Str0ng-pass-2026")
    real_filter = User.objects.filter
    calls = []

    def blind_first_check(*args, **kwargs):
        # Hide the existing account from the pre-check only, as a concurrent accept would.
        if "email__iexact" in kwargs and not calls:
            calls.append(1)
            return User.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", blind_first_check)
    with pytest.raises(ApplicationError, match="already has an account"):
        services.invitation_accept(token=second.token, username="two", password="Str0ng-pass-2026")


# --- no probing of other tenants' accounts (issue 7 item 20) ------------------------------------


def invite_as_manager(web, client_a, email):
    return invite(web, email=email, client=client_a.pk, role=Role.END_USER, language="en")


def test_address_of_another_clients_user_looks_like_a_new_one(
    login, manager_a, client_a, user_b1, django_capture_on_commit_callbacks
):
    web = login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = invite_as_manager(web, client_a, "fresh@example.cn")
        taken = invite_as_manager(web, client_a, user_b1.email.upper())
    assert fresh.status_code == taken.status_code == 302
    messages = [str(m) for m in web.get(reverse("clients:invitation-create")).context["messages"]]
    assert messages == [
        "Invitation sent to fresh@example.cn.",
        f"Invitation sent to {user_b1.email}.",
    ]
    page = web.get(reverse("clients:invitation-create")).content.decode()
    assert "fresh@example.cn" in page and user_b1.email in page
    assert "already" not in page
    # The address's owner is told, and gets no link that could make a second account.
    notice = next(m for m in mail.outbox if m.to == [user_b1.email])
    taken_invitation = Invitation.objects.get(email=user_b1.email)
    assert "already has an account" in notice.body
    assert taken_invitation.token not in notice.body
    assert "/accounts/login/" in notice.body


def test_address_of_staff_looks_like_a_new_one(login, manager_a, client_a, agent_a):
    response = invite_as_manager(login(manager_a), client_a, agent_a.email)
    assert response.status_code == 302


def test_address_of_own_clients_user_is_named(login, manager_a, client_a, user_a2):
    response = invite_as_manager(login(manager_a), client_a, user_a2.email)
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()


def test_admin_is_told_the_address_is_taken(login, admin_user, client_a, user_b1):
    response = invite_as_manager(login(admin_user), client_a, user_b1.email)
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
