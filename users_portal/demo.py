"""Demo tickets and notices for seed_demo: each walks the real services to the state it names."""

from datetime import timedelta

from clients.models import Client, ServiceCategory, User
from reports.notices import services as notice_services
from sla.models import ServiceTier
from tickets import services
from tickets.models import Status

DEMO_TICKETS = [
    {
        "requester": "user_a1",
        "subject": "打印机卡纸 / Printer jams",
        "category": "printer",
        "impact": 3,
        "urgency": 2,
        "state": "new",
        "description": "二楼打印机每打印几页就卡纸。\n\nThe printer on floor 2 jams.",
    },
    {
        "requester": "user_a1",
        "subject": "无法登录邮箱 / Cannot sign in to email",
        "category": "email",
        "impact": 3,
        "urgency": 1,
        "state": "in_progress",
        "description": "输入密码后提示错误。",
    },
    {
        "requester": "user_a2",
        "subject": "网点网络中断 / Branch network down",
        "category": "network",
        "impact": 1,
        "urgency": 1,
        "state": "assigned",
        "description": "北京分行所有电脑无法上网。",
    },
    {
        "requester": "user_a2",
        "subject": "柜台扫描枪无反应 / Counter scanner dead",
        "category": "desktop",
        "impact": 3,
        "urgency": 2,
        "state": "waiting",
        "description": "3 号柜台的扫描枪插上后没有反应。",
    },
    {
        "requester": "user_a1",
        "subject": "更换显示器 / Replace monitor",
        "category": "desktop",
        "impact": 3,
        "urgency": 3,
        "state": "resolved",
        "description": "显示器有一条竖线。",
    },
    {
        "requester": "user_b1",
        "subject": "新员工电脑安装 / New starter laptop",
        "category": "desktop",
        "impact": 3,
        "urgency": 3,
        "state": "closed",
        "description": "下周一有新员工入职，需要准备一台笔记本。",
    },
    {
        "requester": "user_a2",
        "subject": "打印机驱动反复出错 / Printer driver keeps failing",
        "category": "printer",
        "impact": 3,
        "urgency": 2,
        "state": "closed",
        # A low rating: opens a service-recovery follow-up for the team lead.
        "rating": (2, "修了三次还是坏。/ Fixed three times, still broken."),
        "description": "每天早上打印机驱动都报错。",
    },
    {
        "requester": "user_b1",
        "subject": "仓库扫码系统慢 / Warehouse scanning slow",
        "category": "business-app",
        "impact": 2,
        "urgency": 2,
        "state": "new",
        "description": "扫码后要等 10 秒才有反应。",
    },
]


def advance_demo_ticket(spec: dict, *, requester: User, admin: User):
    ticket = services.ticket_create(
        actor=requester,
        subject=spec["subject"],
        description=spec["description"],
        category=ServiceCategory.objects.get(code=spec["category"]),
        impact=spec["impact"],
        urgency=spec["urgency"],
    )
    state = spec["state"]
    if state == "new":
        return ticket
    agent = (
        User.objects.filter(teams__clients=ticket.client_id, role="agent")
        .order_by("username")
        .first()
        or admin
    )
    ticket = services.ticket_claim(actor=agent, ticket=ticket)
    if state == "assigned":
        return ticket
    services.ticket_reply(actor=agent, ticket=ticket, body="您好，我们正在处理。/ We are on it.")
    ticket = services.ticket_change_status(actor=agent, ticket=ticket, status=Status.IN_PROGRESS)
    if state == "in_progress":
        services.ticket_reply(actor=agent, ticket=ticket, body="已联系厂商。", internal=True)
        return ticket
    if state == "waiting":
        services.ticket_reply(
            actor=agent, ticket=ticket, body="请提供设备编号。/ Please send the device number."
        )
        return services.ticket_change_status(actor=agent, ticket=ticket, status=Status.WAITING)
    ticket = services.ticket_change_status(
        actor=agent, ticket=ticket, status=Status.RESOLVED, comment="已更换。"
    )
    if state == "closed":
        ticket = services.ticket_change_status(actor=requester, ticket=ticket, status=Status.CLOSED)
        score, comment = spec.get("rating", (5, "很快，谢谢！"))
        services.ticket_rate(actor=requester, ticket=ticket, score=score, comment=comment)
    return ticket


DEMO_NOTICES = [
    {
        "title": "机房网络故障 / Data centre network outage",
        "body": "核心交换机故障，部分业务系统无法访问，我们正在抢修。\n\n"
        "A core switch failed; some business systems are unreachable. We are on it.",
        "severity": "outage",
        "clients": ["HX", "DF"],
        "seen_by": ["user_a1", "user_b1"],
        "acknowledged_by": ["user_a1"],
    },
    {
        "title": "周六邮件系统维护 / Saturday mail maintenance",
        "body": "周六 22:00-24:00 邮件系统升级。\n\nMail is upgraded on Saturday 22:00-24:00.",
        "severity": "maintenance",
        "clients": ["HX"],
        "tiers": ["金牌 / Gold"],
        "seen_by": [],
        "acknowledged_by": [],
    },
]


def publish_demo_notice(spec: dict, *, admin: User, now) -> None:
    """Publish through the real services, then let some targeted people read it."""
    tiers = list(ServiceTier.objects.filter(name__in=spec.get("tiers", [])))
    notice = notice_services.notice_create(
        actor=admin,
        title=spec["title"],
        body=spec["body"],
        severity=spec["severity"],
        published_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=30),
        targets=[
            notice_services.TargetSpec(client=client, tiers=tiers)
            for client in Client.objects.filter(code__in=spec["clients"]).order_by("code")
        ],
        now=now,
    )
    for person in User.objects.filter(username__in=spec["seen_by"]):
        notice_services.notices_mark_seen(actor=person, notices=[notice], now=now)
    for person in User.objects.filter(username__in=spec["acknowledged_by"]):
        notice_services.notice_acknowledge(actor=person, notice=notice, now=now)
