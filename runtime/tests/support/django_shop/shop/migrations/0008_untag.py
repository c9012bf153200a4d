from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_tags")]
    operations = [
        migrations.RemoveField("article", "tags"),
        migrations.RemoveField("article", "main_tag"),
        migrations.DeleteModel(name="Tag"),
    ]
