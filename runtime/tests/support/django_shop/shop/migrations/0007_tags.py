import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_tables")]
    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("label", models.SlugField(unique=True)),
            ],
        ),
        migrations.AddField(
            "article",
            "tags",
            models.ManyToManyField(related_name="articles", to="shop.tag"),
        ),
        migrations.AddField(
            "article",
            "main_tag",
            models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.SET_NULL, to="shop.tag"
            ),
        ),
    ]
