"""URL map: the viewflow Material site shell, the REST API v1, admin and accounts."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from viewflow.urls import Site

from decisions.views import DecisionsApp
from elections.views import ElectionsApp
from workflows.audit.views import AuditApp
from workflows.comments.views import CommentsApp
from workflows.materials.views import MaterialsApp
from workflows.notifications.views import NotificationsApp
from workflows.org.people_search import PeopleSearchView
from workflows.org.views import OrganisationApp
from workflows.views import HomeView, WorkbenchApp

site = Site(
    title="医院党委工作流",
    primary_color="#b71c1c",
    secondary_color="#f9a825",
    menu_template_name="workflows/site_menu.html",
    viewsets=[WorkbenchApp(), DecisionsApp(), ElectionsApp(), OrganisationApp(), AuditApp(), NotificationsApp(),
              MaterialsApp(), CommentsApp()],
)

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema", metadata_class=None), name="api-docs"),
    path("api/v1/", include("workflows.urls_api")),
    path("api/v1/", include("decisions.urls_api")),
    path("api/v1/", include("elections.urls_api")),
    path("api/v1/", include("workflows.notifications.api")),
    path("api/v1/", include("workflows.audit.api")),
    path("api/v1/", include("workflows.actions.api")),
    path("api/v1/", include("workflows.materials.urls_api")),
    path("api/v1/", include("workflows.comments.urls_api")),
    path("people/search/", PeopleSearchView.as_view(), name="people-search"),
    path("", site.urls),
]
