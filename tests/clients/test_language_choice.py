"""A person's language: kept on them across sign-out and sign-in, never mixed on one page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from clients import services
from clients.models import User
from itsm.tenancy import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def sign_in(web, user):
    return web.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def test_the_switch_is_stored_on_the_person_and_applied_at_the_next_sign_in(client, user_a1):
    user_a1.language = "zh-hans"
    user_a1.save()
    sign_in(client, user_a1)
    client.post(reverse("set_language"), {"language": "en", "next": "/portal/"})
    assert User.objects.get(pk=user_a1.pk).language == "en"
    client.post(reverse("account_logout"), follow=True)  # shows (and consumes) the messages
    client.cookies.pop(COOKIE, None)  # another browser: nothing remembered there

    response = sign_in(client, user_a1)
    assert response.cookies[COOKIE].value == "en"
    page = client.get(reverse("portal:home"))
    text = page.content.decode()
    assert "My open tickets" in text
    assert messages_of(page) == [f"Successfully signed in as {user_a1.username}."]


def test_a_chinese_speaker_signing_in_from_an_english_browser_gets_chinese(client, user_a1):
    user_a1.language = "zh-hans"
    user_a1.save()
    client.cookies[COOKIE] = "en"
    response = sign_in(client, user_a1)
    assert response.cookies[COOKIE].value == "zh-hans"
    page = client.get(reverse("portal:home"))
    assert "我的未结工单" in page.content.decode()
    assert messages_of(page) == [f"以 {user_a1.username} 成功登录。"]


def test_an_anonymous_switch_only_sets_the_cookie(client, user_a1):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    user_a1.refresh_from_db()
    assert user_a1.language == "en"  # unchanged default of the factory, not touched


def test_an_unknown_language_is_not_stored(login, user_a1):
    web = login(user_a1)
    web.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=user_a1.pk).language == "en"
    with pytest.raises(Exception, match="Unknown language"):
        services.user_language_set(actor=user_a1, language="xx")


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "You have signed out."), ("zh-hans", "您已登出。")]
)
def test_the_sign_out_message_is_in_the_page_language(client, user_a1, language, expected):
    user_a1.language = language
    user_a1.save()
    sign_in(client, user_a1)
    page = client.post(reverse("account_logout"), follow=True)
    assert expected in messages_of(page)
    other = "signed out" if language == "zh-hans" else "登出"
    assert other not in page.content.decode()


def test_the_invitation_page_follows_the_inviters_language_choice(client, admin_user, client_a):
    invitation = services.invitation_create(
        actor=admin_user,
        client=client_a,
        email="new.person@example.cn",
        role=Role.END_USER,
        language="zh-hans",
    )
    client.cookies[COOKIE] = "en"
    url = reverse("clients:invitation-accept", args=[invitation.token])
    page = client.get(url)
    text = page.content.decode()
    assert page.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in text and "Username" not in text
    response = client.post(
        url,
        {
            "username": "newperson",
            "first_name": "明",
            "last_name": "王",
            "password1": "Zq8!long-enough-pass",
            "password2": "Zq8!long-enough-pass",
        },
    )
    assert response.status_code == 302 and response.cookies[COOKIE].value == "zh-hans"
    home = client.get(reverse("portal:home"))
    assert messages_of(home) == ["欢迎！您的账号已创建。"]
    assert User.objects.get(username="newperson").language == "zh-hans"
