"""POST /api/v1/auth/token/: username + password -> {"token": key}."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenObtainView(APIView):
    authentication_classes = []
    permission_classes = []
    serializer_class = AuthTokenSerializer
    throttle_scope = "auth"

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        incoming = AuthTokenSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        user = incoming.validated_data["user"]
        reason = user.access_blocked_reason()
        if reason:
            raise PermissionDenied(reason)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
