"""The workspace form as a browser sends it: the panel as shown, plus the changes of a test."""


def panel_post(ticket, **changes) -> dict:
    ticket.refresh_from_db()
    data = {
        "action": "update",
        "version": ticket.version,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category_id or "",
        "assignee": ticket.assignee_id or "",
        "team": ticket.team_id or "",
        "mode": "public",
        "body": "",
        "minutes": "",
        "time_kind": "remote",
    }
    data.update(changes)
    return data
