# The read log keeps one row per read (owners in an array) instead of one row per owner.

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

# Each old row (one owner) becomes a row naming that one owner. Forward only: the new rows
# cannot all be put back into the old shape's columns.
ONE_OWNER_PER_ROW = """
UPDATE publication_crossorganisationread
SET owner_ids = ARRAY[owner_organisation_id], basis_ids = ARRAY[basis_id]
"""


class Migration(migrations.Migration):

    dependencies = [
        ('publication', '0001_initial'),
        ('tenants', '0002_platform_audit_event'),
    ]

    operations = [
        migrations.AddField(
            model_name='crossorganisationread',
            name='owner_ids',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='crossorganisationread',
            name='basis_ids',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='crossorganisationread',
            name='what_by_owner',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunSQL(ONE_OWNER_PER_ROW),
        migrations.RemoveIndex(
            model_name='crossorganisationread',
            name='publication_read_owner',
        ),
        migrations.RemoveIndex(
            model_name='crossorganisationread',
            name='publication_read_basis',
        ),
        migrations.RemoveField(
            model_name='crossorganisationread',
            name='owner_organisation',
        ),
        migrations.RemoveField(
            model_name='crossorganisationread',
            name='basis_id',
        ),
        migrations.AlterField(
            model_name='crossorganisationread',
            name='reader_organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.organisation'),
        ),
        migrations.AddIndex(
            model_name='crossorganisationread',
            index=django.contrib.postgres.indexes.GinIndex(fields=['owner_ids'], name='publication_read_owners'),
        ),
        migrations.AddIndex(
            model_name='crossorganisationread',
            index=models.Index(fields=['reader_organisation', 'read_at'], name='publication_read_reader'),
        ),
        migrations.AddConstraint(
            model_name='crossorganisationread',
            constraint=models.CheckConstraint(condition=models.Q(('owner_ids__len', models.F('basis_ids__len')), ('owner_ids__len__gt', 0)), name='publication_read_one_basis_per_owner'),
        ),
    ]
