"""Pages of the 三重一大 decisions and 党委会 meetings."""

from viewflow.urls import Application


class DecisionsApp(Application):
    title = "三重一大"
    icon = "gavel"
    app_name = "decisions"
    menu_template_name = "workflows/app_menu.html"
    menu_links = []
