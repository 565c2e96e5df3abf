"""A password "validator" whose only job is Django's password_changed hook.

Django calls `password_changed` on every configured validator whenever a user is saved after
`set_password` - from allauth's change and reset pages, the admin, `changepassword`, an
invitation - and not when a hash is merely upgraded at sign-in. So every door that changes a
password ends that person's API tokens, without each door having to remember it.
"""

from django.utils.translation import gettext as _


class EndApiTokensOnPasswordChange:
    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import ApiToken
        from .services import api_tokens_revoke_all

        api_tokens_revoke_all(user=user, because=ApiToken.RevokedBecause.PASSWORD)

    def get_help_text(self) -> str:
        return _("Changing your password ends your API tokens.")
