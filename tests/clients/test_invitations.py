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
        client=client_a, email="t@example.cn", invited_by=admin_user
    )
    accept = reverse("clients:invitation-accept", args=[invitation.token])
    response = client.post(accept, {"username": "user_a1", "password1": "abc", "password2": "abc"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "username is taken" in body and "too short" in body
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
