//! Migration contenttypes.0001_squashed_0002_remove_content_type_name: Django's two
//! contenttypes migrations as one, written by `rjango makemigrations` from ../models.rs. It
//! `replaces` them, so a database Django migrated counts it applied, and a database rjango
//! migrated records Django's names too (Django then finds nothing to apply).

rjango::migration! {
    initial: true,
    replaces: [
        ("contenttypes", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ],
    dependencies: [],
    operations: [
        CreateModel {
            name: "ContentType",
            fields: [
                ("id", AutoField { primary_key: true }),
                ("app_label", CharField { max_length: 100 }),
                ("model", CharField { max_length: 100, verbose_name: "python model class name" }),
            ],
            options: Options { db_table: "django_content_type", verbose_name: "content type", unique_together: [["app_label", "model"]] },
        },
    ],
}
