"""SLA timeline entries stored as facts (kind + parameters) and put into words when shown, in
the viewer's language: an agent reading in English and a client manager reading in Chinese see
the same entry each in their own. Entries written before (plain `body` text) show as stored.

Instants are stored as ISO text with the calendar's zone name and shown in that zone.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .models import SlaClock

RETARGET, WARNING, BREACH = "sla.retarget", "sla.warning", "sla.breach"
ESCALATION = "sla.escalation"


def instant_fact(moment: datetime, tz: str) -> dict:
    return {"at": moment.isoformat(), "tz": tz}


def _instant(fact: dict) -> str:
    moment = datetime.fromisoformat(fact["at"]).astimezone(ZoneInfo(fact["tz"]))
    return f"{moment:%Y-%m-%d %H:%M %Z}"


def _kind(value: str) -> str:
    return str(SlaClock.Kind(value).label) if value in SlaClock.Kind.values else value


def reason_text(reason) -> str:
    """Why clocks were re-targeted; a plain string is a reason stored before facts."""
    if not isinstance(reason, dict):
        return str(reason)
    code = reason.get("code")
    if code == "priority":
        return _("priority P%(old)s → P%(new)s") % reason
    if code == "reopened" and reason.get("old") != reason.get("new"):
        return _("reopened; priority changed P%(old)s → P%(new)s while resolved") % reason
    if code == "reopened":
        return _("reopened")
    if code == "tier":
        return _("tier “%(tier)s” changed") % {"tier": reason.get("name", "")}
    if code == "client":
        return _("tier assignment of %(client)s changed") % {"client": reason.get("name", "")}
    if code == "calendar":
        return _("calendar “%(calendar)s” changed") % {"calendar": reason.get("name", "")}
    return str(code)


def event_text(data: dict) -> str:
    """The words of a fact-stored SLA entry, in the active language."""
    fact = data.get("fact")
    if fact == RETARGET:
        changes = "; ".join(
            _("%(kind)s target %(old)s → %(new)s business minutes, due %(due)s")
            % {
                "kind": _kind(change["kind"]),
                "old": change["old"],
                "new": change["new"],
                "due": _instant(change["due"]),
            }
            for change in data["changes"]
        )
        return _("SLA re-targeted (%(reason)s): %(changes)s.") % {
            "reason": reason_text(data["reason"]),
            "changes": changes,
        }
    if fact == WARNING:
        return _(
            "%(kind)s SLA warning: %(percent)s%% of the %(target)s-minute target used at %(at)s; "
            "due %(due)s."
        ) % {
            "kind": _kind(data["kind"]),
            "percent": data["percent"],
            "target": data["target"],
            "at": _instant(data["at"]),
            "due": _instant(data["due"]),
        }
    if fact == ESCALATION:
        return _("Escalation rule “%(rule)s” (%(trigger)s): %(outcome)s.") % {
            "rule": data["rule"],
            "trigger": trigger_text(data),
            "outcome": outcome_text(data["outcome"]),
        }
    if fact == BREACH:
        return _("%(kind)s SLA breached at %(due)s (target %(target)s business minutes).") % {
            "kind": _kind(data["kind"]),
            "due": _instant(data["at"]),
            "target": data["target"],
        }
    return ""


def trigger_text(data: dict) -> str:
    kind = _kind(data["kind"])
    if data["trigger"] == "warning":
        return _("%(kind)s SLA warning") % {"kind": kind}
    if data["trigger"] == "breach":
        return _("%(kind)s SLA breached") % {"kind": kind}
    return _("%(kind)s SLA at %(percent)s%% of its target") % {
        "kind": kind,
        "percent": data["percent"],
    }


def outcome_text(outcome: dict) -> str:
    """What an escalation rule's action did."""
    code = outcome.get("code")
    if code == "nobody":
        return _("nobody to notify")
    if code == "held":
        return _("%(names)s will be notified at %(at)s") % {
            "names": outcome["names"],
            "at": _instant(outcome["at"]),
        }
    if code == "notified":
        return _("notified %(names)s") % {"names": outcome["names"]}
    if code == "same_team":
        return _("already with team “%(team)s”") % {"team": outcome["team"]}
    if code == "team_not_serving":
        return _("not reassigned: team “%(team)s” does not serve this client") % {
            "team": outcome["team"]
        }
    if code == "reassigned":
        return _("reassigned to team “%(team)s”") % {"team": outcome["team"]}
    if code == "already_p1":
        return _("already P1")
    if code == "raised":
        return _("priority raised to P%(priority)s") % {"priority": outcome["priority"]}
    return str(code)
