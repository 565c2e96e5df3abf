"""Demo satisfaction data for seed_demo: one quarterly questionnaire sent to each client."""

from clients.models import Client

from .models import Question, Questionnaire
from .surveys import survey_round_open

QUESTIONS = [
    (Question.Kind.SCALE, "响应速度满意吗？/ How satisfied are you with our response times?"),
    (Question.Kind.SCALE, "问题解决质量满意吗？/ How satisfied are you with the fixes?"),
    (Question.Kind.RECOMMEND, "您会向同行推荐我们吗？/ Would you recommend us to a peer?"),
    (Question.Kind.TEXT, "我们最应该改进什么？/ What should we improve first?"),
]


def seed_satisfaction() -> int:
    """Idempotent: the questionnaire is found by title; a round is sent once per period."""
    created = 0
    questionnaire, new = Questionnaire.objects.get_or_create(
        title="季度客户满意度调查 / Quarterly client satisfaction survey",
        defaults={"intro": "感谢您抽出几分钟。/ Thank you for a few minutes of your time."},
    )
    if new:
        created += 1
        for position, (kind, text) in enumerate(QUESTIONS, 1):
            Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                kind=kind,
                text=text,
                required=kind != Question.Kind.TEXT,
            )
    for client in Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk"):
        created += survey_round_open(questionnaire=questionnaire, client=client) is not None
    return created
