"""The API schema names the errors every operation can answer, with their JSON shape.

drf-spectacular documents only the success of an operation; yet every operation may answer
403 (the role may not) and, unless it is open to all, 401 (no or a revoked token) and 404 (an
id in its path, query or body, or a page of a list, that is not there for the caller). Those
that read input also answer 400, throttled ones 429. Errors come from
itsm.exceptions.api_exception_handler: {"detail": message, ...} or, for invalid fields,
{field: [messages]}.
"""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, body in self._error_responses().items():
            responses.setdefault(code, self._get_response_for_code(body, code))
        return responses

    def _error_responses(self) -> dict[str, object]:
        errors = {"403": ErrorSerializer}
        open_to_all = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if "{" in self.path or not open_to_all:
            errors["404"] = ErrorSerializer
        if self.view.get_authenticators() and not open_to_all:
            errors["401"] = ErrorSerializer
        if (
            self.method in ("POST", "PUT", "PATCH")
            or self._get_filter_parameters()
            or (self.get_override_parameters())
        ):
            errors["400"] = OpenApiTypes.OBJECT
        if getattr(self.view, "throttle_scope", None):
            errors["429"] = ErrorSerializer
        return errors
