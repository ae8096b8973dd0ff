"""Pages of the 三上三下 branch elections."""

from viewflow.urls import Application


class ElectionsApp(Application):
    title = "支部换届"
    icon = "how_to_vote"
    app_name = "elections"
    menu_template_name = "workflows/app_menu.html"
    menu_links = []
