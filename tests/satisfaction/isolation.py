"""Client A's satisfaction rows for the route-enumerating isolation test."""

from reports.satisfaction.models import Question, Questionnaire
from reports.satisfaction.surveys import survey_answer_submit, survey_round_open
from tests.factories import make_team, make_ticket, make_user
from tickets import services
from tickets.models import Status


def satisfaction_world(world: dict, client_a, user_a1) -> None:
    """Add a low rating with its follow-up and an answered survey of client A to `world`."""
    agent = make_user(role="agent", username="sat_agent_a")
    make_team(members=[agent], clients=[client_a], lead=agent)
    manager = make_user(role="client_manager", client=client_a, username="sat_manager_a")
    ticket = make_ticket(requester=user_a1, subject="Rated ticket of A 满意度")
    services.ticket_change_status(actor=agent, ticket=ticket, status=Status.RESOLVED)
    rating = services.ticket_rate(actor=user_a1, ticket=ticket, score=1, comment="A's rating note")
    questionnaire = Questionnaire.objects.create(title="Survey of A")
    question = Question.objects.create(
        questionnaire=questionnaire, kind=Question.Kind.TEXT, text="Anything?"
    )
    survey_round = survey_round_open(questionnaire=questionnaire, client=client_a)
    invitation = survey_round.invitations.get(person=manager)
    survey_answer_submit(
        actor=manager, invitation=invitation, answers={question.pk: "A's survey answer"}
    )
    world.update(follow_up=rating.follow_up, invitation=invitation)
    world["markers"] += [ticket.subject, ticket.reference, "A's rating note", "A's survey answer"]
