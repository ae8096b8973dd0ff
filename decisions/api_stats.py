"""REST API of the dashboard: `GET /api/v1/stats/decisions/`, `/stats/tasks/`, `/stats/terms/`.

The same figures as the 统计看板 page (decisions.stats, workflows.stats), for office staff, the
secretary and auditors; each costs a fixed number of queries whatever the database holds.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import stats as wstats
from workflows.org.permissions import require_perm

from .dashboard import STAGE_WINDOW_DAYS
from .stats import OUTCOMES, decisions_by_year


class CategoryFiguresSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="passed|reported|rejected|not_confirmed|withdrawn|open → 件数")


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    categories = CategoryFiguresSerializer(many=True, source="rows")


class DecisionStatsSerializer(serializers.Serializer):
    outcomes = serializers.DictField(child=serializers.CharField(), help_text="结果代码 → 中文")
    years = YearFiguresSerializer(many=True)


class StageTimeSerializer(serializers.Serializer):
    step = serializers.CharField(source="key", help_text="<flow>.<step>")
    title = serializers.CharField()
    done = serializers.IntegerField()
    median_hours = serializers.SerializerMethodField()
    p90_hours = serializers.SerializerMethodField()

    def get_median_hours(self, obj) -> float:
        return round(obj.median.total_seconds() / 3600, 2)

    def get_p90_hours(self, obj) -> float:
        return round(obj.p90.total_seconds() / 3600, 2)


class OpenGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="step: <flow>.<step>; person: username (empty: unclaimed); unit: code")
    label = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    oldest_hours = serializers.SerializerMethodField()

    def get_oldest_hours(self, obj) -> float:
        return round(obj.oldest.total_seconds() / 3600, 2)


class TaskStatsSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    stages = StageTimeSerializer(many=True)
    open = serializers.IntegerField(source="figures.total")
    overdue = serializers.IntegerField(source="figures.overdue")
    by_step = OpenGroupSerializer(many=True, source="figures.by_step")
    by_person = OpenGroupSerializer(many=True, source="figures.by_person")
    by_unit = OpenGroupSerializer(many=True, source="figures.by_unit")


class TermBandSerializer(serializers.Serializer):
    band = serializers.CharField(help_text="overdue|30|90|180|running|later|postponed")
    label = serializers.CharField()
    branches = serializers.IntegerField()


class TermStatsSerializer(serializers.Serializer):
    today = serializers.DateField()
    bands = TermBandSerializer(many=True)


class DecisionStatsView(APIView):
    @extend_schema(operation_id="stats_decisions", responses={200: DecisionStatsSerializer})
    def get(self, request):
        require_perm(request.user, "decisions.see_dashboard")
        data = {"outcomes": {code: label for code, label, _ in OUTCOMES}, "years": decisions_by_year()}
        return Response(DecisionStatsSerializer(data).data)


class TaskStatsView(APIView):
    @extend_schema(operation_id="stats_tasks", responses={200: TaskStatsSerializer})
    def get(self, request):
        require_perm(request.user, "decisions.see_dashboard")
        now = timezone.now()
        since = now - timedelta(days=STAGE_WINDOW_DAYS)
        data = {"since": since, "stages": wstats.stage_times(since=since),
                "figures": wstats.open_task_figures(now=now)}
        return Response(TaskStatsSerializer(data).data)


class TermStatsView(APIView):
    @extend_schema(operation_id="stats_terms", responses={200: TermStatsSerializer})
    def get(self, request):
        require_perm(request.user, "decisions.see_dashboard")
        today = timezone.localdate()
        bands = [{"band": code, "label": label, "branches": n} for code, label, n in wstats.term_figures(today=today)]
        return Response(TermStatsSerializer({"today": today, "bands": bands}).data)
