"""Demo data for a local try-out: two clients, sites, agreements, teams, accounts, tickets,
notices, complaints.

Idempotent: every row is looked up by its natural key first, so a second run creates nothing.
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, ServiceAgreement, ServiceCategory, Site, Team, User
from itsm.tenancy import Role
from reports.complaints.demo import seed_complaints
from reports.models import Notice
from reports.satisfaction.demo import seed_satisfaction
from sla.models import BusinessCalendar, EscalationRule, ServiceTier, TierAssignment, TierTarget
from tickets.models import ReplyTemplate, Ticket
from users_portal.demo import DEMO_NOTICES, DEMO_TICKETS, advance_demo_ticket, publish_demo_notice

CATEGORIES = [
    ("desktop", "桌面终端", "Desktops and laptops"),
    ("printer", "打印机", "Printers"),
    ("network", "网络", "Network"),
    ("email", "邮件", "Email"),
    ("business-app", "业务系统", "Business applications"),
]
# Canned replies (常用回复) every demo team gets; placeholders are filled in the workspace.
REPLY_TEMPLATES = [
    (
        "已收到 / Received",
        "{requester_name}，您好：\n\n我们已收到工单 {reference}，正在处理，稍后给您回复。\n\n"
        "{agent_name}",
    ),
    (
        "请提供截图 / Ask for a screenshot",
        "{requester_name}，您好：\n\n为了尽快定位问题，请回复一张出错界面的截图"
        "（工单 {reference}）。\n\n谢谢！{agent_name}",
    ),
    (
        "上门处理 / On-site visit",
        "{requester_name}，您好：\n\n工程师将上门处理工单 {reference}，请保持电话畅通。\n\n"
        "{agent_name}",
    ),
]
# (priority, response, resolution) in business minutes.
GOLD_TARGETS = [(1, 15, 120), (2, 30, 240), (3, 120, 960), (4, 240, 1920)]
ESCALATION_RULES = [
    (
        "P1 预警通知处理人 / warn assignee",
        {
            "priority": 1,
            "clock_kind": "resolution",
            "trigger": "warning",
            "action": "notify_assignee",
            "deliver": "immediately",
        },
    ),
    (
        "超时通知组长 / breach to team lead",
        {
            "clock_kind": "resolution",
            "trigger": "breach",
            "action": "notify_team_lead",
            "deliver": "next_working_hour",
        },
    ),
]
CLIENTS = [
    {
        "code": "HX",
        "name": "华信银行",
        "sites": ["上海分行", "北京分行", "深圳营业部"],
        "people": [
            ("manager_a", Role.CLIENT_MANAGER, None, "王", "经理"),
            ("user_a1", Role.END_USER, "上海分行", "李", "明"),
            ("user_a2", Role.END_USER, "北京分行", "张", "伟"),
        ],
    },
    {
        "code": "DF",
        "name": "东方物流",
        "sites": ["杭州总部", "宁波仓库"],
        "people": [
            ("manager_b", Role.CLIENT_MANAGER, None, "陈", "静"),
            ("user_b1", Role.END_USER, "杭州总部", "刘", "洋"),
        ],
    },
]


# Provider staff with real names: the timeline and the queue show names, not usernames.
AGENTS = (("agent1", "周", "志强"), ("agent2", "吴", "晓燕"))


class Command(BaseCommand):
    help = "Create demo clients, people and tickets (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="demo-pass-2026", help="password of every demo account"
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if anyone exists")

    def handle(self, *args, password, force, if_empty, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates well-known passwords; refusing with DEBUG off (use --force)."
            )
        if if_empty and User.objects.exists():
            self.stdout.write("People exist already; demo data not added.")
            return
        with transaction.atomic():
            created = self.seed(password)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} rows created)."))

    def seed(self, password: str) -> int:
        created = 0
        categories = []
        for code, zh, en in CATEGORIES:
            category, new = ServiceCategory.objects.get_or_create(
                code=code, defaults={"name_zh": zh, "name_en": en}
            )
            categories.append(category)
            created += new
        admin, new = self.person(
            "admin",
            Role.ADMIN,
            password,
            is_superuser=True,
            is_staff=True,
            last_name="孙",
            first_name="立新",
        )
        created += new
        agents = []
        for name, last, first in AGENTS:
            agent, new = self.person(name, Role.AGENT, password, first_name=first, last_name=last)
            agents.append(agent)
            created += new
        for index, spec in enumerate(CLIENTS):
            client, new = Client.objects.get_or_create(
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "contract_start": date(2026, 1, 1),
                    "contract_end": date(2027, 12, 31),
                },
            )
            created += new
            sites = {}
            for site_name in spec["sites"]:
                sites[site_name], new = Site.objects.get_or_create(client=client, name=site_name)
                created += new
            agreement, new = ServiceAgreement.objects.get_or_create(
                client=client,
                name=f"{client.name} IT 运维服务协议 2026",
                defaults={
                    "start_date": date(2026, 1, 1),
                    "end_date": date(2027, 12, 31),
                    "contact_name": spec["people"][0][3] + spec["people"][0][4],
                    "contact_email": f"it@{client.code.lower()}.example.cn",
                },
            )
            if new:
                agreement.categories.set(categories)
                created += 1
            team, new = Team.objects.get_or_create(
                name=f"{client.name} 驻场组", defaults={"lead": agents[index]}
            )
            if new:
                team.members.set(agents if index == 0 else agents[1:])
                team.clients.add(client)
                created += 1
            for title, body in REPLY_TEMPLATES:
                _template, new = ReplyTemplate.objects.get_or_create(
                    team=team, title=title, defaults={"body": body}
                )
                created += new
            for username, role, site_name, last, first in spec["people"]:
                _user, new = self.person(
                    username,
                    role,
                    password,
                    client=client,
                    site=sites.get(site_name),
                    last_name=last,
                    first_name=first,
                )
                created += new
        created += self.seed_service_levels()
        created += self.seed_tickets(admin)
        created += self.seed_notices(admin)
        created += seed_complaints()
        created += seed_satisfaction()
        return created

    def seed_service_levels(self) -> int:
        """A gold tier for 华信银行's Shanghai branch and two escalation rules (before tickets)."""
        created = 0
        calendar = BusinessCalendar.objects.get(code="cn-std")
        gold, new = ServiceTier.objects.get_or_create(
            name="金牌 / Gold",
            defaults={"rank": 1, "calendar": calendar, "description": "核心网点 / key branches"},
        )
        if new:
            created += 1
            for priority, response, resolution in GOLD_TARGETS:
                TierTarget.objects.create(
                    tier=gold,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                )
        site = Site.objects.get(client__code="HX", name="上海分行")
        _assignment, new = TierAssignment.objects.get_or_create(
            client=site.client, site=site, defaults={"tier": gold}
        )
        created += new
        for name, fields in ESCALATION_RULES:
            _rule, new = EscalationRule.objects.get_or_create(name=name, defaults=fields)
            created += new
        return created

    def person(self, username, role, password, **fields):
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user, False
        user = User(username=username, role=role, email=f"{username}@example.cn", **fields)
        user.set_password(password)
        user.full_clean()
        user.save()
        return user, True

    def seed_tickets(self, admin) -> int:
        created = 0
        for spec in DEMO_TICKETS:
            requester = User.objects.get(username=spec["requester"])
            if Ticket.objects.filter(requester=requester, subject=spec["subject"]).exists():
                continue
            advance_demo_ticket(spec, requester=requester, admin=admin)
            created += 1
        return created

    def seed_notices(self, admin) -> int:
        created = 0
        for spec in DEMO_NOTICES:
            if Notice.objects.filter(title=spec["title"]).exists():
                continue
            publish_demo_notice(spec, admin=admin, now=timezone.now())
            created += 1
        return created
