"""Helpers the HTML views share."""


def detail_page_with_errors(view_class, request, obj, **forms):
    """A DetailView page again (400) with bound forms: errors next to their fields, the input kept."""
    view = view_class()
    view.setup(request, **{view_class.slug_url_kwarg: getattr(obj, view_class.slug_field)})
    view.object = obj
    response = view.render_to_response(view.get_context_data(object=obj, **forms))
    response.status_code = 400
    return response
