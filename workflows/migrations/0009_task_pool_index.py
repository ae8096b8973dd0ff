"""The inbox's pool arms (`tasks.pool.claimable_by`) read a partial index on open unassigned tasks.

On PostgreSQL, statistics on (status, owner, owner_permission) together tell the planner how many
tasks wait on a permission, so that for a large inbox it walks the due-date index to the page
instead of sorting every task the user may do.
"""

from django.db import migrations

INDEX = (
    "CREATE INDEX task_pool_permission ON viewflow_task (owner_permission, owner_permission_obj_pk) "
    "WHERE owner_id IS NULL AND status = 'NEW'"
)
STATISTICS = "CREATE STATISTICS task_pool_stats (mcv) ON status, owner_id, owner_permission FROM viewflow_task"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS)


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS task_pool_stats")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0008_merge_province_scale"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(INDEX, reverse_sql="DROP INDEX task_pool_permission"),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
