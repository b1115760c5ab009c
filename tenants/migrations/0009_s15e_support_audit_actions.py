# Support access events in the platform audit log (tenants.support).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0008_audit_actions_after_s15_merges'),
    ]

    operations = [
        migrations.AlterField(
            model_name='platformauditevent',
            name='action',
            field=models.CharField(choices=[('organisation.provisioned', 'Organisation provisioned'), ('organisation.suspended', 'Organisation suspended'), ('organisation.resumed', 'Organisation resumed'), ('organisation.modules_changed', 'Licensed modules changed'), ('helpdesk.api_key_issued', 'Helpdesk API key issued'), ('helpdesk.api_key_revoked', 'Helpdesk API key revoked'), ('organisation.deletion_requested', 'Deletion requested'), ('organisation.deletion_cancelled', 'Deletion cancelled'), ('organisation.purged', 'Organisation deleted (purged)'), ('organisation.light_partner_created', 'Light partner created'), ('account.password_set', 'Password set by its user'), ('organisation.export_requested', 'Export requested'), ('organisation.export_downloaded', 'Export downloaded'), ('organisation.imported', 'Organisation imported from an archive'), ('organisation.backed_up', 'Organisation backed up'), ('organisation.restored', 'Organisation restored in place'), ('organisation.restored_copy', 'Backup restored as a copy'), ('organisation.restored_copy_dropped', 'Restored copy dropped'), ('support.access_granted', 'Support access granted'), ('support.access_revoked', 'Support access revoked'), ('support.break_glass_requested', 'Emergency access requested'), ('support.break_glass_approved', 'Emergency access approved'), ('support.break_glass_ended', 'Emergency access ended')], max_length=64),
        ),
    ]
