from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_alter")]
    operations = [
        migrations.RenameField("post", "title", "headline"),
        migrations.AddIndex(
            "post", models.Index(fields=["headline"], name="shop_post_headline_idx")
        ),
        migrations.AddConstraint(
            "post",
            models.UniqueConstraint(
                fields=["author", "headline"], name="shop_post_author_headline_uniq"
            ),
        ),
        migrations.AlterUniqueTogether(name="post", unique_together={("headline", "subtitle")}),
        migrations.AddConstraint(
            "post",
            models.CheckConstraint(condition=models.Q(views__gte=0), name="shop_post_views_gte_0"),
        ),
        migrations.AlterModelOptions(
            name="post", options={"ordering": ["-views"], "verbose_name": "article"}
        ),
    ]
