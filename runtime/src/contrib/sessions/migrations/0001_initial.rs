//! Migration sessions.0001_initial: Django's, written by `rjango makemigrations` from
//! ../models.rs.

rjango::migration! {
    initial: true,
    dependencies: [],
    operations: [
        CreateModel {
            name: "Session",
            fields: [
                ("session_key", CharField { max_length: 40, primary_key: true, verbose_name: "session key" }),
                ("session_data", TextField { verbose_name: "session data" }),
                ("expire_date", DateTimeField { db_index: true, verbose_name: "expire date" }),
            ],
            options: Options { db_table: "django_session", verbose_name: "session" },
        },
    ],
}
