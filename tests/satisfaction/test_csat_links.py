"""One-click rating links: work without signing in, once, for their ticket and resolution only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from itsm.models import OutboundEmail
from reports.satisfaction.csat import RatingLinkError, csat_rate_by_token, csat_token
from tickets.models import Rating

from .helpers import last_links, reopen, request_of, resolve

pytestmark = pytest.mark.django_db


def test_resolving_emails_the_requester_five_links_in_their_language(ticket_a1, agent_a, user_a1):
    user_a1.language = "zh-hans"
    user_a1.save()
    resolve(ticket_a1, agent_a)
    email = OutboundEmail.objects.get(to=user_a1.email, body__contains="/satisfaction/rate/")
    assert "满意" in email.subject and ticket_a1.reference in email.subject
    assert sorted(last_links(user_a1)) == [1, 2, 3, 4, 5]
    assert "&amp;" not in email.body


def test_one_click_records_the_score_without_signing_in(client, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    assert client.head(last_links(user_a1)[1]).status_code == 200  # a mail link checker
    assert not Rating.objects.exists()
    response = client.get(last_links(user_a1)[4])
    assert response.status_code == 302
    rating = Rating.objects.get(ticket=ticket_a1)
    assert rating.score == 4 and rating.rated_by == user_a1 and rating.resolution == 1
    assert request_of(ticket_a1).answered_at is not None
    page = client.get(response["Location"])
    assert page.status_code == 200 and "You rated this 4 out of 5." in page.content.decode()
    done = client.post(response["Location"], {"comment": "很快，谢谢"})
    assert done.status_code == 200
    rating.refresh_from_db()
    assert rating.comment == "很快，谢谢"
    again = client.post(response["Location"], {"comment": "second"})
    assert "second" not in again.content.decode()
    rating.refresh_from_db()
    assert rating.comment == "很快，谢谢"


def test_reused_link_is_refused_with_a_clear_page(client, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    links = last_links(user_a1)
    client.get(links[5])
    response = client.get(links[1])
    assert response.status_code == 409
    assert "already been used" in response.content.decode()
    assert list(Rating.objects.values_list("score", flat=True)) == [5]


def test_forged_token_is_refused(client, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    path = last_links(user_a1)[5]
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    response = client.get(forged)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    garbage = client.get(f"/satisfaction/rate/{ticket_a1.pk}/5/not-a-token/")
    assert garbage.status_code == 400
    assert not Rating.objects.exists()


def test_token_signed_with_another_key_is_refused(client, settings, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    request = request_of(ticket_a1)
    real_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key-an-attacker-might-use-0123456789abcdef"
    token = csat_token(request)
    settings.SECRET_KEY = real_key
    assert csat_token(request) != token
    response = client.get(f"/satisfaction/rate/{ticket_a1.pk}/1/{token}/")
    assert response.status_code == 400 and not Rating.objects.exists()


def test_expired_link_is_refused(client, ticket_a1, agent_a, user_a1, settings):
    long_ago = timezone.now() - timedelta(days=settings.CSAT_LINK_MAX_AGE_DAYS + 1)
    resolve(ticket_a1, agent_a, now=long_ago)
    response = client.get(last_links(user_a1)[3])
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Rating.objects.exists()


def test_expiry_is_measured_from_the_sending(ticket_a1, agent_a, user_a1, settings):
    now = timezone.now()
    resolve(ticket_a1, agent_a, now=now)
    token = csat_token(request_of(ticket_a1))
    late = now + timedelta(days=settings.CSAT_LINK_MAX_AGE_DAYS, seconds=1)
    with pytest.raises(RatingLinkError) as refused:
        csat_rate_by_token(ticket_id=ticket_a1.pk, token=token, score=5, now=late)
    assert refused.value.code == "expired"
    in_time = now + timedelta(days=settings.CSAT_LINK_MAX_AGE_DAYS - 1)
    assert csat_rate_by_token(ticket_id=ticket_a1.pk, token=token, score=5, now=in_time).score == 5


def test_token_of_another_ticket_is_refused_and_reveals_neither(
    client, ticket_a1, ticket_a2, agent_a, user_a1
):
    resolve(ticket_a1, agent_a)
    resolve(ticket_a2, agent_a)
    token = csat_token(request_of(ticket_a1))
    response = client.get(f"/satisfaction/rate/{ticket_a2.pk}/1/{token}/")
    body = response.content.decode()
    assert response.status_code == 400 and "does not belong to this ticket" in body
    for ticket in (ticket_a1, ticket_a2):
        assert ticket.subject not in body and ticket.reference not in body
    assert not Rating.objects.exists()
    comment = client.get(f"/satisfaction/rate/{ticket_a2.pk}/{token}/comment/")
    assert comment.status_code == 400 and ticket_a1.subject not in comment.content.decode()


def test_unused_link_cannot_reach_the_comment_page(client, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    token = csat_token(request_of(ticket_a1))
    response = client.get(f"/satisfaction/rate/{ticket_a1.pk}/{token}/comment/")
    assert response.status_code == 400 and ticket_a1.subject not in response.content.decode()


def test_score_outside_1_to_5_is_refused(client, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    path = last_links(user_a1)[5].replace("/5/", "/9/", 1)
    response = client.get(path)
    assert response.status_code == 400 and "1 to 5" in response.content.decode()
    assert not Rating.objects.exists() and request_of(ticket_a1).answered_at is None


def test_reopened_and_resolved_again_is_rated_again_latest_counts(
    client, login, ticket_a1, agent_a, user_a1
):
    resolve(ticket_a1, agent_a)
    first = last_links(user_a1)
    client.get(first[2])
    reopen(ticket_a1, user_a1)
    # While reopened, the old link can no longer rate.
    assert client.get(first[5]).status_code in (400, 409)
    resolve(ticket_a1, agent_a)
    second = last_links(user_a1)
    assert second != first
    stale = client.get(first[5].replace("/5/", "/4/"))
    assert stale.status_code in (400, 409)
    client.get(second[5])
    assert sorted(Rating.objects.values_list("resolution", "score")) == [(1, 2), (2, 5)]
    page = login(user_a1).get(f"/portal/tickets/{ticket_a1.pk}/")
    assert "You rated this 5 out of 5" in page.content.decode()


def test_old_link_after_a_new_resolution_is_refused_as_stale(ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    old_token = csat_token(request_of(ticket_a1))
    reopen(ticket_a1, user_a1)
    resolve(ticket_a1, agent_a)
    with pytest.raises(RatingLinkError) as refused:
        csat_rate_by_token(ticket_id=ticket_a1.pk, token=old_token, score=1)
    assert refused.value.code == "stale_resolution"


def test_portal_rating_uses_up_the_emailed_link(client, login, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    links = last_links(user_a1)
    web = login(user_a1)
    web.post(f"/portal/tickets/{ticket_a1.pk}/", {"action": "rate", "score": 3, "comment": ""})
    web.logout()
    assert request_of(ticket_a1).rating.score == 3
    assert client.get(links[5]).status_code == 409
    assert list(Rating.objects.values_list("score", flat=True)) == [3]


def test_portal_offers_the_rating_again_after_a_new_resolution(login, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    web = login(user_a1)
    url = f"/portal/tickets/{ticket_a1.pk}/"
    web.post(url, {"action": "rate", "score": 2, "comment": ""})
    assert "You rated this 2 out of 5" in web.get(url).content.decode()
    reopen(ticket_a1, user_a1)
    resolve(ticket_a1, agent_a)
    page = web.get(url).content.decode()
    assert "You rated this" not in page and 'value="rate"' in page
    assert web.post(url, {"action": "rate", "score": 4, "comment": ""}).status_code == 302
    assert "You rated this 4 out of 5" in web.get(url).content.decode()


def test_landing_page_speaks_the_requesters_language(client, ticket_a1, agent_a, user_a1):
    user_a1.language = "zh-hans"
    user_a1.save()
    resolve(ticket_a1, agent_a)
    response = client.get(last_links(user_a1)[5], follow=True)
    assert "感谢您的评价" in response.content.decode()
