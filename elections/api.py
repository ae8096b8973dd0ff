"""REST API v1 of elections (spec/api.md "Elections")."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api_base import errors
from workflows.api_fields import check_types, form_serializer
from workflows.exceptions import FormInvalid
from workflows.serializers import HistoryEntrySerializer

from . import services
from .forms import ElectionRequestForm, RecommendationForm
from .selectors import election_history, get_visible_election, visible_elections
from .serializers import ElectionSerializer, RecommendationSerializer, election_data, elections_data

ElectionRequest = form_serializer(ElectionRequestForm)
RecommendationRequest = form_serializer(RecommendationForm)
WRITE_ERRORS = errors(400, 401, 403, 404, 409)


class ElectionListView(ListAPIView):
    """Elections I may see (`?status=`, `?unit=`); POST the `request` payload to start one."""

    serializer_class = ElectionSerializer

    def get_queryset(self):
        qs = visible_elections(self.request.user).order_by("-created", "-pk")
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        return qs

    @extend_schema(parameters=[OpenApiParameter("status", str, description="状态代码"),
                               OpenApiParameter("unit", str, description="党组织代码")],
                   responses={200: ElectionSerializer(many=True), **errors(401)})
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(elections_data(page))

    @extend_schema(request=ElectionRequest, responses={201: ElectionSerializer, **WRITE_ERRORS})
    def post(self, request):
        if not services.may_request_somewhere(request.user):
            raise PermissionDenied
        check_types(ElectionRequest, request.data)
        form = ElectionRequestForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        election = services.election_request(user=request.user, **form.cleaned_data)
        return Response(election_data(election), status=status.HTTP_201_CREATED)


class ElectionDetailView(APIView):
    @extend_schema(responses={200: ElectionSerializer, **errors(401, 404)})
    def get(self, request, pk):
        return Response(election_data(get_visible_election(request.user, pk)))


class ElectionRecommendationView(APIView):
    """A full member's recommendation while the election is at `nominate`."""

    @extend_schema(request=RecommendationRequest, responses={201: RecommendationSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        election = get_visible_election(request.user, pk)
        services.check_may_try_recommending(request.user, election)
        check_types(RecommendationRequest, request.data)
        form = RecommendationForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        recommendation = services.recommendation_submit(election=election, user=request.user,
                                                        nominees=form.cleaned_data["nominees"])
        return Response(
            {"id": recommendation.pk, "election": election.pk, "member": request.user.username,
             "nominees": recommendation.nominees, "replaces": recommendation.supersedes_id,
             "created": recommendation.created.isoformat()},
            status=status.HTTP_201_CREATED,
        )


class ElectionHistoryView(APIView):
    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **errors(401, 404)})
    def get(self, request, pk):
        election = get_visible_election(request.user, pk)
        return Response(election_history(election))
