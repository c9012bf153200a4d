//! Migration auth.0001_squashed_0012_alter_user_first_name_max_length: Django's twelve auth
//! migrations as one, written by `rjango makemigrations` from ../models.rs. It `replaces`
//! them, so a database Django migrated counts it applied, and a database rjango migrated
//! records Django's names too (Django then finds nothing to apply).

rjango::migration! {
    initial: true,
    replaces: [
        ("auth", "0001_initial"),
        ("auth", "0002_alter_permission_name_max_length"),
        ("auth", "0003_alter_user_email_max_length"),
        ("auth", "0004_alter_user_username_opts"),
        ("auth", "0005_alter_user_last_login_null"),
        ("auth", "0006_require_contenttypes_0002"),
        ("auth", "0007_alter_validators_add_error_messages"),
        ("auth", "0008_alter_user_username_max_length"),
        ("auth", "0009_alter_user_last_name_max_length"),
        ("auth", "0010_alter_group_name_max_length"),
        ("auth", "0011_update_proxy_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ],
    dependencies: [("contenttypes", "0001_squashed_0002_remove_content_type_name")],
    operations: [
        CreateModel {
            name: "Permission",
            fields: [
                ("id", AutoField { primary_key: true }),
                ("name", CharField { max_length: 255 }),
                ("content_type", ForeignKey { to: "contenttypes.ContentType", on_delete: Cascade, verbose_name: "content type" }),
                ("codename", CharField { max_length: 100 }),
            ],
            options: Options { verbose_name: "permission", unique_together: [["content_type", "codename"]] },
        },
        CreateModel {
            name: "Group",
            fields: [
                ("id", AutoField { primary_key: true }),
                ("name", CharField { max_length: 150, unique: true }),
                ("permissions", ManyToManyField { to: "auth.Permission", blank: true, verbose_name: "permissions" }),
            ],
            options: Options { verbose_name: "group" },
        },
        CreateModel {
            name: "User",
            fields: [
                ("id", AutoField { primary_key: true }),
                ("password", CharField { max_length: 128, verbose_name: "password" }),
                ("last_login", DateTimeField { null: true, blank: true, verbose_name: "last login" }),
                ("is_superuser", BooleanField { help_text: "Designates that this user has all permissions without explicitly assigning them.", verbose_name: "superuser status" }),
                ("username", CharField { max_length: 150, unique: true, help_text: "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.", verbose_name: "username" }),
                ("first_name", CharField { max_length: 150, blank: true, verbose_name: "first name" }),
                ("last_name", CharField { max_length: 150, blank: true, verbose_name: "last name" }),
                ("email", EmailField { blank: true, verbose_name: "email address" }),
                ("is_staff", BooleanField { help_text: "Designates whether the user can log into this admin site.", verbose_name: "staff status" }),
                ("is_active", BooleanField { help_text: "Designates whether this user should be treated as active. Unselect this instead of deleting accounts.", verbose_name: "active" }),
                ("date_joined", DateTimeField { verbose_name: "date joined" }),
                ("groups", ManyToManyField { to: "auth.Group", related_name: "user_set", blank: true, help_text: "The groups this user belongs to. A user will get all permissions granted to each of their groups.", verbose_name: "groups" }),
                ("user_permissions", ManyToManyField { to: "auth.Permission", related_name: "user_set", blank: true, help_text: "Specific permissions for this user.", verbose_name: "user permissions" }),
            ],
            options: Options { verbose_name: "user" },
        },
    ],
}
