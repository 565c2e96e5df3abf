"""Demo tickets for seed_demo: each walks the real services to the state it names."""

from clients.models import ServiceCategory, User
from tickets import services

DEMO_TICKETS = [
    {"requester": "user_a1", "subject": "打印机卡纸 / Printer jams", "category": "printer",
     "impact": 3, "urgency": 2, "state": "new",
     "description": "二楼打印机每打印几页就卡纸。\n\nThe printer on floor 2 jams every few pages."},
    {"requester": "user_a1", "subject": "无法登录邮箱 / Cannot sign in to email", "category": "email",
     "impact": 3, "urgency": 1, "state": "new",
     "description": "输入密码后提示错误。"},
    {"requester": "user_a2", "subject": "网点网络中断 / Branch network down", "category": "network",
     "impact": 1, "urgency": 1, "state": "new",
     "description": "北京分行所有电脑无法上网。"},
    {"requester": "user_b1", "subject": "新员工电脑安装 / New starter laptop", "category": "desktop",
     "impact": 3, "urgency": 3, "state": "new",
     "description": "下周一有新员工入职，需要准备一台笔记本。"},
]


def advance_demo_ticket(spec: dict, *, requester: User, admin: User):
    category = ServiceCategory.objects.get(code=spec["category"])
    return services.ticket_create(
        actor=requester,
        subject=spec["subject"],
        description=spec["description"],
        category=category,
        impact=spec["impact"],
        urgency=spec["urgency"],
    )
