//! Migration admin.0001_squashed_0003_logentry_add_action_flag_choices: Django's three admin
//! migrations as one, written by `rjango makemigrations` from ../models.rs. It `replaces`
//! them, so a database Django migrated counts it applied, and a database rjango migrated
//! records Django's names too (Django then finds nothing to apply). The columns are in the
//! order of Django's 0001_initial, which SQLite keeps in the table.

rjango::migration! {
    initial: true,
    replaces: [
        ("admin", "0001_initial"),
        ("admin", "0002_logentry_remove_auto_add"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ],
    dependencies: [
        ("auth", "0001_squashed_0012_alter_user_first_name_max_length"),
        ("contenttypes", "0001_squashed_0002_remove_content_type_name"),
    ],
    operations: [
        CreateModel {
            name: "LogEntry",
            fields: [
                ("id", AutoField { primary_key: true }),
                ("action_time", DateTimeField { verbose_name: "action time" }),
                ("object_id", TextField { null: true, blank: true, verbose_name: "object id" }),
                ("object_repr", CharField { max_length: 200, verbose_name: "object repr" }),
                ("action_flag", PositiveSmallIntegerField { choices: [(1, "Addition"), (2, "Change"), (3, "Deletion")], verbose_name: "action flag" }),
                ("change_message", TextField { blank: true, verbose_name: "change message" }),
                ("content_type", ForeignKey { to: "contenttypes.ContentType", on_delete: SetNull, null: true, blank: true, verbose_name: "content type" }),
                ("user", ForeignKey { to: "auth.User", on_delete: Cascade, verbose_name: "user" }),
            ],
            options: Options { db_table: "django_admin_log", ordering: ["-action_time"], verbose_name: "log entry" },
        },
    ],
}
