"""Forms of the clients app."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from itsm.forms import Form
from itsm.tenancy import Role

from .models import LANGUAGE_CHOICES, Client, Site, User


class InvitationForm(Form):
    email = forms.EmailField(label=_("Email"))
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Role.END_USER, Role.END_USER.label),
            (Role.CLIENT_MANAGER, Role.CLIENT_MANAGER.label),
        ],
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(user).active()
        self.fields["site"].queryset = (
            Site.objects.visible_to(user).active().select_related("client")
        )
        if not user.is_admin_role:
            # A client manager invites end users of their own client only.
            self.fields["role"].choices = [(Role.END_USER, Role.END_USER.label)]
            self.fields["client"].initial = user.client_id

    def clean(self):
        data = super().clean()
        site, client = data.get("site"), data.get("client")
        if site and client and site.client_id != client.pk:
            self.add_error("site", _("The site belongs to another client."))
        return data


class InvitationAcceptForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            try:
                password_validation.validate_password(
                    password, User(username=data.get("username", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ApiTokenForm(Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “monitoring script”."),
    )
