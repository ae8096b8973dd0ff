"""The pool index also holds the content type and is limited to human tasks, so that the inbox counts each of
its arms from the index alone (`tasks.selectors.InboxQuerySet`)."""

from django.db import migrations

OLD = (
    "CREATE INDEX task_pool_permission ON viewflow_task (owner_permission, owner_permission_obj_pk) "
    "WHERE owner_id IS NULL AND status = 'NEW'"
)
NEW = (
    "CREATE INDEX task_pool_permission ON viewflow_task "
    "(owner_permission, owner_permission_content_type_id, owner_permission_obj_pk) "
    "WHERE owner_id IS NULL AND status = 'NEW' AND flow_task_type = 'HUMAN'"
)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0009_task_pool_index")]

    operations = [
        migrations.RunSQL(["DROP INDEX task_pool_permission", NEW], reverse_sql=["DROP INDEX task_pool_permission", OLD]),
    ]
