"""PostgreSQL: history tables refuse UPDATE and DELETE (see docs/audit.md).

Tables created later by other apps get the trigger from the post_migrate receiver
`workflows.audit.install_triggers_after_migrate`.
"""

from django.db import migrations


def install(apps, schema_editor):
    from workflows.audit import install_append_only_triggers

    install_append_only_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION IF EXISTS workflows_history_append_only() CASCADE")


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0002_workflow_step_history"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
