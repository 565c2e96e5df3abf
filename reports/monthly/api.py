"""Monthly reports under /api/v1/reports/: list, detail, files, request, sign off, dispute,
answer and correct.

Scoped like the pages (a client's managers and the staff serving it); errors are JSON.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from itsm.exceptions import ApplicationError
from itsm.params import parse_id

from . import selectors, services
from .forms import request_period
from .serializers import (
    ReportCommentSerializer,
    ReportCorrectionSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from .views import report_file_response


def _client_filter(raw):
    if raw in (None, ""):
        return None
    # parse_id, not int(): a number past the id range failed in the database as a 500.
    client_id = parse_id(raw)
    if client_id is None:
        raise ApplicationError(_("“%(value)s” is not a client id.") % {"value": str(raw)[:20]})
    return client_id


class ReportListAPIView(GenericAPIView):
    serializer_class = ReportSerializer

    @extend_schema(
        summary="List monthly reports",
        description="Every version, newest period first; a client manager sees their client's "
        "reports, staff those of the clients they serve; end users none.",
        parameters=[OpenApiParameter("client", OpenApiTypes.INT, description="one client only")],
        responses=ReportSerializer(many=True),
    )
    def get(self, request):
        rows = selectors.monthly_report_api_list_for(
            user=request.user, client_id=_client_filter(request.query_params.get("client"))
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReportSerializer(page, many=True).data)

    @extend_schema(
        summary="Request a report",
        description="Generates the report of a month (or days range) in the background; poll "
        "the detail for progress. An existing report of the same period is returned (200).",
        request=ReportRequestSerializer,
        responses={201: ReportSerializer, 200: ReportSerializer},
    )
    def post(self, request):
        incoming = ReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        client = selectors.report_client_get_for(user=request.user, client_id=data.get("client"))
        start, end = request_period(data.get("month"), data.get("start"), data.get("end"))
        report, created = services.monthly_report_request(
            actor=request.user,
            client=client,
            start=start,
            end=end,
            next_steps=data.get("next_steps") or "",
            now=timezone.now(),
        )
        report.refresh_from_db()
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReportDetailAPIView(APIView):
    @extend_schema(
        operation_id="v1_reports_detail",
        summary="One report with its progress",
        responses=ReportSerializer,
    )
    def get(self, request, report_id):
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        return Response(ReportSerializer(report).data)


class ReportDownloadAPIView(APIView):
    @extend_schema(
        summary="Download the report's PDF or XLSX",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "xlsx"])
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such report, not visible or not ready"),
        },
    )
    def get(self, request, report_id, kind):
        if kind not in ("pdf", "xlsx"):
            raise Http404
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        return report_file_response(report, kind, request=request)


# A sign-off step that takes a comment; each subclass names its service. (A comment, not a
# docstring: drf-spectacular would publish a docstring as every operation's description.)
class _ReportCommentAPIView(APIView):
    service = None

    def post(self, request, report_id):
        incoming = ReportCommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        report = type(self).service(
            actor=request.user,
            report=report,
            comment=incoming.validated_data.get("comment", ""),
            now=timezone.now(),
        )
        return Response(ReportSerializer(report).data)


@extend_schema(
    summary="Sign the report off (client manager)",
    request=ReportCommentSerializer,
    responses=ReportSerializer,
)
class ReportSignOffAPIView(_ReportCommentAPIView):
    service = services.monthly_report_sign_off


@extend_schema(
    summary="Dispute a figure of the report (client manager; comment required)",
    request=ReportCommentSerializer,
    responses=ReportSerializer,
)
class ReportDisputeAPIView(_ReportCommentAPIView):
    service = services.monthly_report_dispute


@extend_schema(
    summary="Answer a dispute (provider staff serving the client; comment required)",
    request=ReportCommentSerializer,
    responses=ReportSerializer,
)
class ReportAnswerAPIView(_ReportCommentAPIView):
    service = services.monthly_report_answer


class ReportCorrectAPIView(APIView):
    @extend_schema(
        summary="Issue a corrected version (provider staff serving the client)",
        description="Creates version n+1, generated again in the background; the earlier "
        "version is kept. Returns the new version (201).",
        request=ReportCorrectionSerializer,
        responses={201: ReportSerializer},
    )
    def post(self, request, report_id):
        incoming = ReportCorrectionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        corrected = services.monthly_report_correct(
            actor=request.user,
            report=report,
            correction_note=incoming.validated_data.get("correction_note", ""),
            next_steps=incoming.validated_data.get("next_steps"),
            now=timezone.now(),
        )
        corrected.refresh_from_db()
        return Response(ReportSerializer(corrected).data, status=status.HTTP_201_CREATED)
