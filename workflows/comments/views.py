"""The comment box's POST (and its own page when the text is missing)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.views import View
from django.views.generic import RedirectView
from viewflow.urls import Application

from workflows.exceptions import errors_to_form
from workflows.materials.views import back_url
from workflows.org.permissions import require_perm
from workflows.tasks.processes import visible_subject

from .forms import CommentForm
from .services import comment_post


class CommentPostView(LoginRequiredMixin, View):
    template_name = "comments/post.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subject = visible_subject(request.user, kind=kwargs["kind"], pk=kwargs["pk"])
            require_perm(request.user, "comments.post", self.subject)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"form": form, "subject": self.subject, "next": back_url(self.request, self.subject)},
                      status=status)

    def get(self, request, kind, pk):
        return self._render(CommentForm())

    def post(self, request, kind, pk):
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment_post(subject=self.subject, user=request.user, text=form.cleaned_data["text"])
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, "已发表讨论意见。")
                return HttpResponseRedirect(back_url(request, self.subject))
        return self._render(form, status=400)


class CommentsApp(Application):
    """讨论 pages inside the site shell; reached from the subject pages, not the menu."""

    title = "讨论"
    icon = "forum"
    app_name = "comments"
    menu_template_name = "workflows/app_menu.html"
    menu_hidden = True  # no menu entry of its own (site_menu.html); the view checks its subject

    index_path = path("", RedirectView.as_view(url="/", http_method_names=["get"]), name="index")
    post_path = path("<slug:kind>/<int:pk>/", CommentPostView.as_view(), name="post")
