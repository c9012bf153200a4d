import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0008_untag")]
    operations = [
        migrations.CreateModel(
            name="Every",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("url", models.URLField()),
                ("positive", models.PositiveIntegerField()),
                ("positive_big", models.PositiveBigIntegerField()),
                ("positive_small", models.PositiveSmallIntegerField(null=True)),
                ("ratio", models.FloatField()),
                ("day", models.DateField(db_index=True)),
                ("at", models.TimeField(null=True)),
                ("took", models.DurationField()),
                ("uid", models.UUIDField(unique=True)),
                ("data", models.JSONField(null=True)),
                ("blob", models.BinaryField(null=True)),
                ("code", models.CharField(max_length=10, db_index=True)),
                ("notes", models.TextField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="Small",
            fields=[
                ("id", models.SmallAutoField(primary_key=True, serialize=False)),
                (
                    "every",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="shop.every"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Plain",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("smalls", models.ManyToManyField(to="shop.small")),
                (
                    "first",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plain",
                        to="shop.small",
                    ),
                ),
            ],
        ),
    ]
