"""Demo complaints for seed_demo, of both sources, each walked through the real services."""

from clients.models import Client, User
from tickets.models import Ticket

from . import services
from .models import Complaint

DEMO_COMPLAINTS = [
    {
        "actor": "user_a1",
        "source": "direct",
        "ticket": "更换显示器 / Replace monitor",
        "category": "repeated_fault",
        "severity": "normal",
        "subject": "显示器换了还是有竖线 / Monitor still has a line",
        "description": "换过一次显示器，今天又出现竖线。/ Replaced once, the line is back today.",
        "state": "open",
    },
    {
        "actor": "agent1",
        "client": "HX",
        "source": "direct",
        "ticket": "网点网络中断 / Branch network down",
        "category": "slow_response",
        "severity": "serious",
        "subject": "电话投诉：断网两小时无人到场 / Phone: nobody on site for two hours",
        "description": "北京分行张伟来电：断网两个小时没有工程师到场。",
        "state": "acknowledged",
    },
    {
        "actor": "manager_a",
        "source": "via_client",
        "category": "attitude",
        "severity": "serious",
        "subject": "多名柜员反映驻场工程师态度差 / Tellers report a rude engineer",
        "description": "上海分行多名柜员向我行反映，驻场工程师沟通态度生硬。",
        "state": "resolved",
    },
    {
        "actor": "manager_b",
        "source": "via_client",
        "category": "communication",
        "severity": "normal",
        "subject": "仓库系统变更未提前通知 / Warehouse change not announced",
        "description": "扫码系统升级没有提前通知仓库，影响了早班作业。",
        "state": "closed",
    },
]


def seed_complaints() -> int:
    """Create the demo complaints that do not exist yet; returns how many were created."""
    created = 0
    for spec in DEMO_COMPLAINTS:
        if Complaint.objects.filter(subject=spec["subject"]).exists():
            continue
        actor = User.objects.get(username=spec["actor"])
        client = Client.objects.get(code=spec["client"]) if "client" in spec else actor.client
        tickets = list(Ticket.objects.filter(client=client, subject=spec.get("ticket", "")))
        complaint = services.complaint_open(
            actor=actor,
            client=client,
            source=spec["source"],
            category=spec["category"],
            severity=spec["severity"],
            subject=spec["subject"],
            description=spec["description"],
            tickets=tickets,
        )
        advance(complaint, spec["state"], actor=actor)
        created += 1
    return created


def advance(complaint: Complaint, state: str, *, actor: User) -> None:
    if state == "open" or complaint.owner is None:
        return
    owner = complaint.owner
    complaint = services.complaint_acknowledge(
        actor=owner, complaint=complaint, comment="已收到，今天内回复。/ Received, reply today."
    )
    if state == "acknowledged":
        services.complaint_comment(
            actor=owner, complaint=complaint, body="已约谈当班工程师。", internal=True
        )
        return
    complaint = services.complaint_investigate(actor=owner, complaint=complaint)
    complaint = services.complaint_resolve(
        actor=owner,
        complaint=complaint,
        root_cause="工程师排班过满，沟通流程缺失。/ Overbooked engineer, no briefing step.",
        corrective_action="调整排班，增加变更前通知。/ Rota changed, notice before changes.",
    )
    if state == "closed":
        services.complaint_accept(actor=actor, complaint=complaint, comment="接受。/ Accepted.")
