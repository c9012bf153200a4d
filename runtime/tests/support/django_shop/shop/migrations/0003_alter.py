from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_more")]
    operations = [
        migrations.AlterField("post", "title", models.CharField(max_length=200)),
        migrations.AlterField(
            "post",
            "subtitle",
            models.CharField(max_length=80, default="none"),
            preserve_default=False,
        ),
        migrations.AlterField("post", "views", models.BigIntegerField(default=0)),
    ]
