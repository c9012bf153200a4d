from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0009_every_type")]
    operations = [
        migrations.AlterField("every", "positive", models.PositiveBigIntegerField()),
        migrations.AlterField("every", "code", models.CharField(max_length=20)),
        migrations.AlterField("every", "day", models.DateTimeField(db_index=True)),
        migrations.AlterField("every", "ratio", models.FloatField(null=True)),
        migrations.AlterField("every", "uid", models.UUIDField(null=True)),
        migrations.AddField("small", "code", models.SlugField(max_length=30, null=True)),
    ]
