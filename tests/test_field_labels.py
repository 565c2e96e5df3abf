"""No English leaks through Django's defaults: field names, constraint messages, the admin's
brand and Django's own length errors are all in our catalogue."""

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from itsm.forms import Form
from sla.models import BusinessCalendar, CalendarDay

OUR_APPS = {"itsm", "clients", "sla", "tickets", "users_portal", "reports", "complaints"}
OUR_APPS |= {"satisfaction", "notices"}


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_field_has_a_translatable_label():
    # Without one Django shows the attribute name ("Client", "Calendar") in every language.
    bare = [
        f"{model._meta.label}.{field.name}"
        for model in our_models()
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created
        if not isinstance(field.verbose_name, Promise)
    ]
    assert not bare, f"give these fields verbose_name=_(...): {bare}"


def test_every_unique_constraint_has_its_own_translated_message():
    # The default reads "包含 Calendar 和 日期 的 日历日期 已经存在".
    default = [
        f"{model._meta.label}.{constraint.name}"
        for model in our_models()
        for constraint in model._meta.constraints
        if not isinstance(constraint.violation_error_message, Promise)
    ]
    assert not default, f"set violation_error_message=_(...) on: {default}"


@pytest.mark.django_db
def test_a_duplicate_calendar_day_is_refused_in_plain_chinese(client, admin_user):
    admin_user.language = "zh-hans"
    admin_user.save()
    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    calendar = BusinessCalendar.objects.get(code="cn-std")
    CalendarDay.objects.create(calendar=calendar, date="2030-03-02", kind="holiday")
    data = {"calendar": calendar.pk, "date": "2030-03-02", "kind": "holiday", "name": "x"}
    page = client.post(reverse("admin:sla_calendarday_add"), data).content.decode()
    assert "这个日历已有该日期的记录。" in page
    assert "Calendar" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "header", "absent"),
    [
        ("zh-hans", "IT 服务台管理", "Django 管理"),
        ("en", "IT Service Desk administration", "Django"),
    ],
)
def test_the_admin_carries_the_product_name(client, admin_user, language, header, absent):
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    page = client.get(reverse("admin:index")).content.decode()
    assert header in page and absent not in page


def test_length_errors_name_characters_not_a_variable():
    class SubjectForm(Form):
        subject = forms.CharField(max_length=200)

    with translation.override("zh-hans"):
        form = SubjectForm({"subject": "长" * 10_000})
        assert form.errors["subject"] == ["最多 200 个字符（现有 10000 个）。"]
