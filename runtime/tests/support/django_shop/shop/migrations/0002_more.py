from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("post", "subtitle", models.CharField(max_length=80, null=True)),
        migrations.AddField("post", "rating", models.SmallIntegerField(default=3)),
        migrations.AddField(
            "post", "score", models.IntegerField(default=7), preserve_default=False
        ),
        migrations.AddField(
            "post",
            "price",
            models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("9.99")),
        ),
        migrations.AddField("post", "active", models.BooleanField(default=True)),
    ]
