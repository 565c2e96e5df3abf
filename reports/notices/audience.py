"""Who a notice target reaches: the end users of its client in its sites and tiers.

The same rule as NoticeTargetQuerySet.reaching (the live check made when a person opens the
portal), applied to a whole client at once when a notice is published; tests hold both to the
same answers.
"""

from clients.models import User
from itsm.tenancy import Role
from sla.tiers import tier_ids_of_people

from ..models import NoticeTarget


def target_audience(target: NoticeTarget) -> list[User]:
    """Active end users reached by `target` (three queries, whatever the client's size)."""
    people = User.objects.filter(client_id=target.client_id, role=Role.END_USER, is_active=True)
    site_ids = [site.pk for site in target.sites.all()]
    if site_ids:
        people = people.filter(site_id__in=site_ids)
    people = list(people.order_by("pk"))
    tier_ids = {tier.pk for tier in target.tiers.all()}
    if not tier_ids:
        return people
    tier_of = tier_ids_of_people(client_id=target.client_id, people=people)
    return [person for person in people if tier_of[person.pk] in tier_ids]
