from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_rename")]
    operations = [
        migrations.RemoveIndex("post", "shop_post_headline_idx"),
        migrations.RemoveConstraint("post", "shop_post_author_headline_uniq"),
        migrations.RemoveConstraint("post", "shop_post_views_gte_0"),
        migrations.AlterUniqueTogether(name="post", unique_together=set()),
        migrations.RemoveField("post", "body"),
    ]
