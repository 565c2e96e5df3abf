"""API sign-in and personal access tokens.

POST   /api/v1/auth/token/           login + password (+ "code" for staff with 2FA) -> new token
DELETE /api/v1/auth/tokens/current/  revoke the token this request is signed with (sign out)
GET    /api/v1/auth/tokens/          the caller's tokens (never their keys)
DELETE /api/v1/auth/tokens/<id>/     revoke one of them
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .api_auth import api_sign_in
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address.")
    password = serializers.CharField(trim_whitespace=False)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Staff who use two-factor authentication: the authenticator app's code.",
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_start", "created_at", "last_used_at", "revoked_at"]


class TokenObtainView(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_scope = "auth"

    @extend_schema(
        summary="Get a personal API token with username (or email), password (and 2FA code)",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "id": serializers.IntegerField()},
            )
        },
    )
    def post(self, request):
        incoming = TokenRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = api_sign_in(
            request=request._request,
            login=data["username"],
            password=data["password"],
            code=data.get("code", "").strip(),
        )
        now = timezone.now()
        name = data.get("name") or _("API sign-in %(at)s") % {
            "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        }
        token, key = services.api_token_create(actor=user, name=name, now=now)
        return Response({"token": key, "id": token.pk})


class TokenRevokeCurrentView(APIView):
    """DELETE revokes the token that signs this request: the API's sign-out."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Sign the calling token out", request=None, responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise ValidationError({"detail": _("This request is not signed with a token.")})
        services.api_token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenListView(APIView):
    @extend_schema(
        summary="Your API tokens, newest first (names and times; keys are never shown again)",
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request):
        tokens = selectors.api_token_list_for(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True).data)


class ApiTokenDetailView(APIView):
    @extend_schema(summary="Revoke one of your API tokens", request=None, responses={204: None})
    def delete(self, request, pk: int):
        token = selectors.api_token_get_for(user=request.user, token_id=pk)
        services.api_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
