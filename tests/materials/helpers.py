from django.core.files.storage import storages

from decisions.models import Decision


def stored_files() -> list[str]:
    """Every file in the attachments storage (InMemoryStorage in tests)."""
    storage = storages["attachments"]
    found, todo = [], [""]
    while todo:
        folder = todo.pop()
        dirs, files = storage.listdir(folder)
        found += [f"{folder}{name}" for name in files]
        todo += [f"{folder}{name}/" for name in dirs]
    return found


def new_decision(api, org, user="weiyuan1", **overrides) -> Decision:
    from tests.decisions.helpers import submit

    return Decision.objects.get(pk=submit(api, org[user], **overrides)["id"])


def post_file(client, kind, pk, file, **extra):
    return client.post(f"/api/v1/{kind}/{pk}/attachments/", {"file": file, **extra}, format="multipart")
