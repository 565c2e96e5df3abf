"""Shapes of the monthly reports API."""

from django.urls import reverse
from rest_framework import serializers

from .models import MonthlyReport


class ReportClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    client = ReportClientSerializer()
    progress = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "client",
            "period_start",
            "period_end",
            "version",
            "is_current",
            "language",
            "status",
            "sign_off",
            "progress",
            "summary",
            "created_at",
            "generated_at",
            "signed_at",
            "files",
            "page",
        ]

    def get_progress(self, report) -> dict:
        return {
            "done": report.progress_done,
            "total": report.progress_total,
            "percent": report.progress_percent,
        }

    def get_files(self, report) -> dict:
        """API download URLs (token or session auth), present once the report is ready."""
        if report.status != MonthlyReport.Status.READY:
            return {}
        return {
            kind: reverse("monthly-report-download", args=[report.pk, kind])
            for kind in ("pdf", "xlsx")
        }

    def get_page(self, report) -> str:
        return reverse("monthly:report-detail", args=[report.pk])


class ReportRequestSerializer(serializers.Serializer):
    client = serializers.IntegerField(
        required=False, help_text="client id; a client manager's own client by default"
    )
    month = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM")
    start = serializers.DateField(required=False, help_text="first day (without month)")
    end = serializers.DateField(required=False, help_text="last day, inclusive (without month)")
    next_steps = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="provider staff only"
    )


class ReportCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReportCorrectionSerializer(serializers.Serializer):
    correction_note = serializers.CharField(max_length=4000, help_text="what the version changes")
    next_steps = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="default: kept"
    )
