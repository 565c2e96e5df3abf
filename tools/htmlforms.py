"""Just enough of a browser for the load run: a form's fields with their current values.

Fields outside a <form> that name it with form="..." belong to it, as in a browser.
"""

import re
from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []  # {"id", "action", "fields": [(name, value)]}
        self.current: dict | None = None
        self.select: tuple[str, str | None, dict | None] | None = None  # name, chosen, form
        self.first_option: str | None = None
        self.textarea: tuple[str, dict | None] | None = None
        self.text: list[str] = []
        self.loose: list[tuple[str, str, str]] = []  # (form id, name, value)

    def _target(self, attrs) -> dict | None:
        owner = attrs.get("form")
        if owner:
            return {"id": owner}
        return self.current

    def _add(self, target, name, value):
        if target is None or not name:
            return
        if target is self.current:
            target["fields"].append((name, value))
        else:
            self.loose.append((target["id"], name, value))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"id": attrs.get("id"), "action": attrs.get("action"), "fields": []}
            self.forms.append(self.current)
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(self._target(attrs), attrs.get("name"), attrs.get("value") or "")
        elif tag == "select":
            self.select = (attrs.get("name"), None, self._target(attrs))
            self.first_option = None
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.select = (self.select[0], value, self.select[2])
        elif tag == "textarea":
            self.textarea = (attrs.get("name"), self._target(attrs))
            self.text = []

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select:
            name, chosen, target = self.select
            self._add(target, name, chosen if chosen is not None else (self.first_option or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, target = self.textarea
            self._add(target, name, "".join(self.text).lstrip("\n"))
            self.textarea = None


def forms_in(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    by_id = {form["id"]: form for form in parser.forms if form["id"]}
    for owner, name, value in parser.loose:
        if owner in by_id:
            by_id[owner]["fields"].append((name, value))
    return parser.forms


def form_with(html: str, name: str, value: str) -> dict[str, str]:
    """The fields of the first form holding the field `name`=`value` (e.g. action=reply)."""
    for form in forms_in(html):
        if (name, value) in form["fields"]:
            return dict(form["fields"])
    raise LookupError(f"no form with {name}={value}")


def links(html: str, pattern: str) -> list[str]:
    return re.findall(rf'href="({pattern})"', html)


def form_having(html: str, field: str) -> dict[str, str]:
    """The fields of the first form that has a field called `field`."""
    for form in forms_in(html):
        if any(name == field for name, _value in form["fields"]):
            return dict(form["fields"])
    raise LookupError(f"no form with a field {field}")
