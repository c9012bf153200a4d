from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0005_remove")]
    operations = [
        migrations.AlterModelTable(name="author", table="authors"),
        migrations.RenameModel(old_name="Post", new_name="Article"),
        migrations.RunSQL(
            "UPDATE shop_article SET views = views + 1",
            "UPDATE shop_article SET views = views - 1",
        ),
    ]
