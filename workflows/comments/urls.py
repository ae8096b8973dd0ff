from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [path("<slug:kind>/<int:pk>/", views.CommentPostView.as_view(), name="post")]
