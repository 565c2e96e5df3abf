"""The complaint workflow: legal moves through services, every illegal move refused."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from itsm.exceptions import ApplicationError
from reports.complaints import services
from reports.complaints.models import Complaint, ComplaintEvent, Status
from reports.complaints.workflow import ALLOWED_TRANSITIONS
from tests import factories as f

from .conftest import MONDAY_9, open_complaint

pytestmark = pytest.mark.django_db

MOVES = {
    Status.ACKNOWLEDGED: "acknowledge",
    Status.INVESTIGATING: "investigate",
    Status.RESOLVED: "resolve",
    Status.CLOSED: "accept",
    Status.REOPENED: "reject",
}
# The shortest way from open to each status, as moves.
PATHS = {
    Status.OPEN: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.INVESTIGATING: ["acknowledge", "investigate"],
    Status.RESOLVED: ["acknowledge", "investigate", "resolve"],
    Status.REOPENED: ["acknowledge", "investigate", "resolve", "reject"],
    Status.CLOSED: ["acknowledge", "investigate", "resolve", "accept"],
}


def move(name, complaint, *, handler, decider):
    if name == "acknowledge":
        return services.complaint_acknowledge(actor=handler, complaint=complaint)
    if name == "investigate":
        return services.complaint_investigate(actor=handler, complaint=complaint)
    if name == "resolve":
        return services.complaint_resolve(
            actor=handler,
            complaint=complaint,
            root_cause="Fuser worn out",
            corrective_action="Replaced fuser; monthly check",
        )
    if name == "accept":
        return services.complaint_accept(actor=decider, complaint=complaint)
    return services.complaint_reject(actor=decider, complaint=complaint, reason="Still jams")


@pytest.fixture
def complaint_at(user_a1, agent_a, manager_a):
    def _at(status):
        complaint = open_complaint(user_a1)
        for name in PATHS[status]:
            complaint = move(name, complaint, handler=agent_a, decider=manager_a)
        assert complaint.status == status
        return complaint

    return _at


# The workflow as the issue states it, written out here so a change to the table is noticed.
LEGAL = {
    (Status.OPEN, Status.ACKNOWLEDGED),
    (Status.ACKNOWLEDGED, Status.INVESTIGATING),
    (Status.INVESTIGATING, Status.RESOLVED),
    (Status.RESOLVED, Status.CLOSED),
    (Status.RESOLVED, Status.REOPENED),
    (Status.REOPENED, Status.INVESTIGATING),
    (Status.REOPENED, Status.RESOLVED),
}
ILLEGAL = [move for move in itertools.product(Status.values, MOVES) if move not in LEGAL]


def test_the_table_is_the_documented_workflow():
    table = {
        (current, target) for current, targets in ALLOWED_TRANSITIONS.items() for target in targets
    }
    assert table == LEGAL


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_each_illegal_move_is_refused(complaint_at, agent_a, manager_a, current, target):
    complaint = complaint_at(current)
    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    with pytest.raises(ApplicationError) as refused:
        move(MOVES[target], complaint, handler=agent_a, decider=manager_a)
    assert refused.value.extra["code"] == "illegal_transition"
    complaint.refresh_from_db()
    assert complaint.status == current
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


def test_full_journey_with_a_rejection(complaint_at, agent_a, manager_a, user_a1):
    complaint = complaint_at(Status.REOPENED)
    complaint = move("investigate", complaint, handler=agent_a, decider=manager_a)
    complaint = move("resolve", complaint, handler=agent_a, decider=manager_a)
    complaint = move("accept", complaint, handler=agent_a, decider=manager_a)
    assert complaint.status == Status.CLOSED and complaint.closed_at is not None
    statuses = list(
        ComplaintEvent.objects.filter(complaint=complaint, kind="status").values_list(
            "new_status", flat=True
        )
    )
    assert statuses == [
        "acknowledged",
        "investigating",
        "resolved",
        "reopened",
        "investigating",
        "resolved",
        "closed",
    ]
    rejection = ComplaintEvent.objects.get(complaint=complaint, new_status="reopened")
    assert rejection.body == "Still jams" and rejection.actor == manager_a


def test_resolving_needs_root_cause_and_corrective_action(complaint_at, agent_a):
    complaint = complaint_at(Status.INVESTIGATING)
    for root, action in (("", "Replaced"), ("Worn", " "), ("", "")):
        with pytest.raises(ApplicationError, match="root cause and the corrective action"):
            services.complaint_resolve(
                actor=agent_a, complaint=complaint, root_cause=root, corrective_action=action
            )
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING


def test_rejection_needs_a_reason_and_restarts_the_resolution_deadline(complaint_at, manager_a):
    complaint = complaint_at(Status.RESOLVED)
    with pytest.raises(ApplicationError, match="Say why"):
        services.complaint_reject(actor=manager_a, complaint=complaint, reason="  ")
    later = MONDAY_9.replace(day=9)  # a week later, Monday 09:00
    complaint = services.complaint_reject(
        actor=manager_a, complaint=complaint, reason="Jammed again today", now=later
    )
    assert complaint.status == Status.REOPENED and complaint.resolved_at is None
    assert complaint.resolve_due_at == later.replace(day=11, hour=18)  # 3 business days


def test_only_handlers_move_it_forward(complaint_at, user_a1, manager_a, client_a):
    plain_agent = f.make_user(role="agent", username="plain")
    f.make_team(members=[plain_agent], clients=[client_a], name="No lead here")
    complaint = complaint_at(Status.OPEN)
    for person in (user_a1, manager_a, plain_agent):
        with pytest.raises(PermissionDenied):
            services.complaint_acknowledge(actor=person, complaint=complaint)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.OPEN


def test_only_the_client_side_accepts_or_rejects(complaint_at, agent_a, user_a2, admin_user):
    complaint = complaint_at(Status.RESOLVED)
    for person in (agent_a, admin_user, user_a2):  # user_a2 did not raise it
        with pytest.raises(PermissionDenied):
            services.complaint_accept(actor=person, complaint=complaint)
        with pytest.raises(PermissionDenied):
            services.complaint_reject(actor=person, complaint=complaint, reason="no")


def test_the_end_user_who_complained_may_accept(complaint_at, user_a1):
    complaint = complaint_at(Status.RESOLVED)
    assert services.complaint_accept(actor=user_a1, complaint=complaint).status == Status.CLOSED


def test_acknowledging_an_unowned_complaint_takes_ownership(user_a1, admin_user, client_a):
    complaint = open_complaint(user_a1)  # no team serves client A here: no default owner
    assert complaint.owner is None
    complaint = services.complaint_acknowledge(actor=admin_user, complaint=complaint)
    assert complaint.owner == admin_user


def test_sources_follow_the_role(user_a1, manager_a, agent_a, client_a):
    assert open_complaint(user_a1).source == "direct"
    assert open_complaint(manager_a, source="via_client").source == "via_client"
    assert open_complaint(agent_a, client=client_a, source="direct").source == "direct"
    assert open_complaint(agent_a, client=client_a, source="via_client").source == "via_client"
    with pytest.raises(PermissionDenied):
        open_complaint(user_a1, source="via_client")
    with pytest.raises(PermissionDenied):
        open_complaint(manager_a, source="direct")


def test_linked_tickets_must_be_of_the_same_client(user_a1, manager_a, agent_a, ticket_b1):
    with pytest.raises(ApplicationError, match="another client"):
        open_complaint(manager_a, source="via_client", tickets=[ticket_b1])
    assert not Complaint.objects.exists()


def test_an_end_user_links_only_tickets_they_can_see(user_a1, ticket_a2):
    with pytest.raises(ApplicationError, match="cannot see"):
        open_complaint(user_a1, tickets=[ticket_a2])


def test_agents_of_other_clients_cannot_log_for_a_client(agent_b, client_a):
    with pytest.raises(PermissionDenied):
        open_complaint(agent_b, client=client_a)


def test_linking_a_ticket_concerns_its_requester_and_site(manager_a, ticket_a2, user_a2):
    complaint = open_complaint(manager_a, source="via_client", tickets=[ticket_a2])
    assert list(complaint.people.all()) == [user_a2]
    assert list(complaint.sites.all()) == [ticket_a2.site]
    assert complaint.owner is None  # no team serves client A in this test


def test_default_owner_is_the_lead_of_a_team_serving_the_client(user_a1, agent_a):
    assert open_complaint(user_a1).owner == agent_a


def test_the_timeline_is_immutable(user_a1):
    complaint = open_complaint(user_a1)
    event = complaint.events.get()
    event.body = "rewritten"
    with pytest.raises(Exception, match="immutable"):
        event.save()


def test_closed_complaints_take_no_more_comments(complaint_at, manager_a):
    complaint = complaint_at(Status.CLOSED)
    with pytest.raises(ApplicationError, match="closed"):
        services.complaint_comment(actor=manager_a, complaint=complaint, body="one more thing")
