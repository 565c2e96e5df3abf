"""API token authentication that also refuses people of suspended clients."""

from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        reason = user.access_blocked_reason()
        if reason:
            raise exceptions.AuthenticationFailed(reason)
        return user, token
