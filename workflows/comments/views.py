"""The 讨论 page (the comment box posts here)."""

from django.urls import path

from workflows.materials.views import SubjectFormView, SubjectPagesApp, back_url

from .forms import CommentForm
from .services import comment_post


class CommentPostView(SubjectFormView):
    """The comment box's POST, and its own page when the text is missing."""

    form_class = CommentForm
    subject_perm = "comments.post"
    submit_label = "发表"
    intro = "讨论意见发表后不能修改或删除，显示在办理过程中。"

    def heading(self):
        return f"讨论：{self.subject}"

    def perform(self, form):
        comment_post(subject=self.subject, user=self.request.user, text=form.cleaned_data["text"])
        return "已发表讨论意见。", back_url(self.request, self.subject)


class CommentsApp(SubjectPagesApp):
    title = "讨论"
    icon = "forum"
    app_name = "comments"

    post_path = path("<slug:kind>/<int:pk>/", CommentPostView.as_view(), name="post")
