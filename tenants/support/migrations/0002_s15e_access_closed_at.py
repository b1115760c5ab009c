# When an ended support access was acted on (visitor's account deactivated).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0001_s15a_support'),
    ]

    operations = [
        migrations.AddField(
            model_name='supportaccess',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
