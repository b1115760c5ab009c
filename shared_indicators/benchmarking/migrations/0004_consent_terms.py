from django.db import migrations, models


def terms_of_existing_consents(apps, schema_editor):
    """Record the terms existing consents were given under, as far as the club's history
    tells: in a club that names its members, a consent given after it last switched to naming
    them (or in a club set up naming them and never switched) was given on named terms; every
    other consent keeps the safer default, "anonymised". Consents that were given under
    anonymity in a club that is named now (possible before this rule existed) are left active:
    ending them is a decision for the club's runner, made through the service."""
    Club = apps.get_model("benchmarking", "Club")
    ClubConsent = apps.get_model("benchmarking", "ClubConsent")
    ClubEvent = apps.get_model("benchmarking", "ClubEvent")
    for club in Club.objects.filter(anonymised=False).only("id", "created_at"):
        switched = (
            ClubEvent.objects.filter(
                club_id=club.id, kind="rules_changed", new__anonymised=False
            )
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        if switched is None:
            created = ClubEvent.objects.filter(
                club_id=club.id, kind="club_created", new__anonymised=True
            ).exists()
            if created:
                continue  # set up anonymised and named since without a recorded switch
            switched = club.created_at
        ClubConsent.objects.filter(
            club_indicator__club_id=club.id, given_at__gte=switched
        ).update(terms="named")


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0003_rankings"),
    ]

    operations = [
        migrations.AddField(
            model_name="clubconsent",
            name="terms",
            field=models.CharField(
                choices=[("anonymised", "Anonymised (Authority A, B, …)"), ("named", "By name")],
                default="anonymised",
                max_length=16,
            ),
        ),
        migrations.RunPython(terms_of_existing_consents, migrations.RunPython.noop),
    ]
