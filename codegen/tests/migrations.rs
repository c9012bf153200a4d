//! The migration engine without a compile or a database: models.rs → state, the autodetector
//! against the state replayed from migration files, Django's names, the questions, and the
//! files written (snapshots).

use std::collections::VecDeque;
use std::path::Path;

use rjango_codegen::migrations::autodetector::{self, Planned};
use rjango_codegen::migrations::loader::Loader;
use rjango_codegen::migrations::questioner::{NonInteractive, NullAlteration, Questioner, Quit};
use rjango_codegen::migrations::syntax;
use rjango_codegen::migrations::writer;
use rjango_codegen::models;
use rjango_schema::{FieldType, Operation, Value};

/// Answers from a script, recording each question.
#[derive(Default)]
struct Scripted {
    renames: VecDeque<bool>,
    defaults: VecDeque<Value>,
    asked: Vec<String>,
}

impl Questioner for Scripted {
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool {
        self.asked
            .push(format!("Was the model {app}.{old} renamed to {new}?"));
        self.renames.pop_front().unwrap_or(false)
    }
    fn ask_rename(&mut self, model: &str, old: &str, new: &str, class: &str) -> bool {
        self.asked.push(format!(
            "Was {model}.{old} renamed to {model}.{new} (a {class})?"
        ));
        self.renames.pop_front().unwrap_or(false)
    }
    fn ask_not_null_addition(
        &mut self,
        field: &str,
        model: &str,
        _: &FieldType,
    ) -> Result<Value, Quit> {
        self.asked.push(format!("default for {model}.{field}"));
        self.defaults
            .pop_front()
            .ok_or_else(|| Quit("no default".into()))
    }
    fn ask_not_null_alteration(
        &mut self,
        field: &str,
        model: &str,
        _: &FieldType,
    ) -> Result<NullAlteration, Quit> {
        self.asked.push(format!("non-null {model}.{field}"));
        Ok(self
            .defaults
            .pop_front()
            .map(NullAlteration::OneOffDefault)
            .unwrap_or(NullAlteration::Ignore))
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project with the given apps and models.rs contents.
fn project(apps: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = apps.iter().map(|(a, _)| format!("\"{a}\"")).collect();
    write(dir.path(), "Cargo.toml", "[package]\nname = \"site\"\n");
    write(
        dir.path(),
        "src/settings.rs",
        &format!(
            "fn settings() -> Settings {{ Settings {{ INSTALLED_APPS: vec![{}], ..Default::default() }} }}",
            names.join(", ")
        ),
    );
    write(dir.path(), "src/urls.rs", "urlpatterns![];\n");
    for (app, models) in apps {
        set_models(dir.path(), app, models);
    }
    dir
}

fn set_models(root: &Path, app: &str, models: &str) {
    write(
        root,
        &format!("src/{app}/models.rs"),
        &format!("use rjango::models::prelude::*;\n{models}"),
    );
}

fn apps(root: &Path) -> Vec<String> {
    rjango_codegen::project::installed_apps(root).unwrap()
}

/// A new migration as the tests look at it: "app.name", its operations, its dependencies.
type Made = (String, Vec<Operation>, Vec<(String, String)>);

/// makemigrations in-process: plan, name, write; returns each new migration.
fn makemigrations(root: &Path, q: &mut dyn Questioner) -> Result<Vec<Made>, Quit> {
    let installed = apps(root);
    let loader = Loader::load(root, &installed).unwrap();
    let from = loader.project_state().unwrap();
    let to = models::parse::project_state(root, &installed).unwrap();
    let planned: Vec<Planned> = autodetector::detect(&from, &to, &installed, q)?;
    let new = writer::arrange(&loader, planned, None, "20261124_1000").unwrap();
    for m in &new {
        write(
            root,
            &m.path.to_string_lossy(),
            &m.text("2026-11-24 10:00 UTC"),
        );
    }
    // Replaying what was written gives the models' state: nothing is lost in the files.
    let reloaded = Loader::load(root, &installed)
        .unwrap()
        .project_state()
        .unwrap();
    assert!(
        reloaded.equivalent(&to),
        "the migrations written replay to the models' state:\n{reloaded:#?}\n{to:#?}"
    );
    Ok(new
        .into_iter()
        .map(|m| {
            (
                format!("{}.{}", m.app, m.name),
                m.body.operations,
                m.body.dependencies,
            )
        })
        .collect())
}

fn names(ops: &[Operation]) -> Vec<String> {
    ops.iter().map(Operation::describe).collect()
}

const AUTHOR_POST: &str = r#"
#[model]
pub struct Author {
    #[field(max_length = 100)]
    pub name: CharField,
}

#[model(ordering = ["-published"])]
pub struct Post {
    #[field(on_delete = Cascade, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[field(max_length = 200)]
    pub title: CharField,
    pub body: TextField,
    pub published: Option<DateTimeField>,
}
"#;

#[test]
fn a_chain_of_changes_named_as_django_names_them() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    let mut q = NonInteractive;
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(out[0].0, "blog.0001_initial");
    assert_eq!(
        names(&out[0].1),
        ["Create model Author", "Create model Post"]
    );

    assert!(
        makemigrations(root, &mut q).unwrap().is_empty(),
        "no change, nothing written"
    );

    set_models(
        root,
        "blog",
        &AUTHOR_POST.replace(
            "    pub body: TextField,",
            "    pub body: TextField,\n    #[field(default = 0)]\n    pub views: IntegerField,",
        ),
    );
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(out[0].0, "blog.0002_post_views");
    assert_eq!(out[0].2, [("blog".to_owned(), "0001_initial".to_owned())]);

    let without_body = AUTHOR_POST.replace(
        "    pub body: TextField,",
        "    #[field(default = 0)]\n    pub views: IntegerField,",
    );
    set_models(root, "blog", &without_body);
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(out[0].0, "blog.0003_remove_post_body");

    let mut yes = Scripted {
        renames: [true].into(),
        ..Default::default()
    };
    set_models(
        root,
        "blog",
        &without_body.replace("pub title: CharField", "pub headline: CharField"),
    );
    let out = makemigrations(root, &mut yes).unwrap();
    assert_eq!(
        yes.asked,
        ["Was post.title renamed to post.headline (a CharField)?"]
    );
    assert_eq!(out[0].0, "blog.0004_rename_title_post_headline");

    // Widening a CharField is an AlterField.
    let renamed = without_body.replace("pub title: CharField", "pub headline: CharField");
    set_models(
        root,
        "blog",
        &renamed.replace("max_length = 200", "max_length = 300"),
    );
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(out[0].0, "blog.0005_alter_post_headline");

    // Several operations: joined fragments; a join past 52 characters ends in "_and_more"
    // (Django: "post_subtitle_of_the_post" + "_post_another_long_field_name" would be 54).
    let many = renamed
        .replace("max_length = 200", "max_length = 300")
        .replace("    pub published: Option<DateTimeField>,", "    pub published: Option<DateTimeField>,\n    pub subtitle_of_the_post: Option<TextField>,\n    pub another_long_field_name: Option<TextField>,\n    pub third: Option<TextField>,");
    set_models(root, "blog", &many);
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(out[0].0, "blog.0006_post_subtitle_of_the_post_and_more");
}

#[test]
fn renames_are_asked_and_never_assumed() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    let renamed = AUTHOR_POST.replace("pub title: CharField", "pub headline: CharField");
    set_models(root, "blog", &renamed);
    // Declined: remove + add, and the new non-null field needs a default.
    let mut no = Scripted {
        renames: [false].into(),
        defaults: [Value::Str("untitled".into())].into(),
        ..Default::default()
    };
    let out = makemigrations(root, &mut no).unwrap();
    assert_eq!(
        no.asked,
        [
            "Was post.title renamed to post.headline (a CharField)?",
            "default for post.headline"
        ]
    );
    assert_eq!(
        names(&out[0].1),
        ["Remove field title from post", "Add field headline to post"]
    );
    let Operation::AddField {
        field,
        preserve_default,
        ..
    } = &out[0].1[1]
    else {
        panic!()
    };
    assert_eq!(
        (field.default.clone(), *preserve_default),
        (Some(Value::Str("untitled".into())), false)
    );

    // --noinput: no rename assumed, and the missing default is an error that says what to do.
    let dir = project(&[("blog", AUTHOR_POST)]);
    makemigrations(dir.path(), &mut NonInteractive).unwrap();
    set_models(dir.path(), "blog", &renamed);
    let err = makemigrations(dir.path(), &mut NonInteractive).unwrap_err();
    assert!(
        err.0.contains("non-nullable field 'headline' to post"),
        "{}",
        err.0
    );
}

#[test]
fn model_renames_and_null_alterations() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    set_models(
        root,
        "blog",
        &AUTHOR_POST
            .replace("pub struct Author", "pub struct Writer")
            .replace("ForeignKey<Author>", "ForeignKey<Writer>"),
    );
    let mut yes = Scripted {
        renames: [true].into(),
        ..Default::default()
    };
    let out = makemigrations(root, &mut yes).unwrap();
    assert_eq!(yes.asked, ["Was the model blog.Author renamed to Writer?"]);
    assert_eq!(out[0].0, "blog.0002_rename_author_writer");

    let base = AUTHOR_POST
        .replace("pub struct Author", "pub struct Writer")
        .replace("ForeignKey<Author>", "ForeignKey<Writer>");
    set_models(
        root,
        "blog",
        &base.replace(
            "pub published: Option<DateTimeField>",
            "pub published: DateTimeField",
        ),
    );
    let mut q = Scripted {
        defaults: [Value::Str("2026-01-01T00:00:00Z".into())].into(),
        ..Default::default()
    };
    let out = makemigrations(root, &mut q).unwrap();
    assert_eq!(q.asked, ["non-null post.published"]);
    let Operation::AlterField {
        field,
        preserve_default,
        ..
    } = &out[0].1[0]
    else {
        panic!("{:?}", out[0].1)
    };
    assert!(!field.null && !preserve_default);
}

#[test]
fn options_indexes_and_constraints() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    let with_meta = AUTHOR_POST.replace(
        r#"#[model(ordering = ["-published"])]"#,
        r#"#[model(ordering = ["title"], db_table = "posts", unique_together = [["author", "title"]], indexes = [Index(fields = ["title"], name = "post_title_idx")], constraints = [CheckConstraint(check = "length(title) > 0", name = "title_not_empty")])]"#,
    );
    set_models(root, "blog", &with_meta);
    let out = makemigrations(root, &mut NonInteractive).unwrap();
    assert_eq!(
        names(&out[0].1),
        [
            "Alter unique_together for post (1 constraint(s))",
            "Create index post_title_idx on field(s) title of model post",
            "Create constraint title_not_empty on model post",
            "Rename table for post to posts",
            "Change Meta options on post",
        ]
    );
    set_models(root, "blog", AUTHOR_POST);
    let out = makemigrations(root, &mut NonInteractive).unwrap();
    assert_eq!(
        names(&out[0].1),
        [
            "Remove index post_title_idx from post",
            "Remove constraint title_not_empty from model post",
            "Alter unique_together for post (0 constraint(s))",
            "Rename table for post to (default)",
            "Change Meta options on post",
        ]
    );
}

#[test]
fn dependencies_between_apps_and_circular_foreign_keys() {
    let accounts = "#[model]\npub struct User {\n    #[field(max_length = 50)]\n    pub username: CharField,\n}\n";
    let blog = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<crate::accounts::models::User>,\n}\n";
    let dir = project(&[("accounts", accounts), ("blog", blog)]);
    let out = makemigrations(dir.path(), &mut NonInteractive).unwrap();
    let blog_initial = out.iter().find(|m| m.0 == "blog.0001_initial").unwrap();
    assert_eq!(
        blog_initial.2,
        [("accounts".to_owned(), "0001_initial".to_owned())]
    );

    // Within an app: two models pointing at each other. CreateModel both, then the closing FK.
    let cyclic = "#[model]\npub struct A {\n    #[field(on_delete = Cascade, related_name = \"as_b\")]\n    pub b: ForeignKey<B>,\n}\n#[model]\npub struct B {\n    #[field(on_delete = SetNull, related_name = \"bs_a\")]\n    pub a: Option<ForeignKey<A>>,\n}\n";
    let dir = project(&[("loop", cyclic)]);
    let out = makemigrations(dir.path(), &mut NonInteractive).unwrap();
    assert_eq!(
        names(&out[0].1),
        ["Create model A", "Create model B", "Add field b to a"]
    );

    // Across apps: Django's split, a second migration in the first app of the circle.
    let shop = "#[model]\npub struct Order {\n    #[field(on_delete = Cascade)]\n    pub buyer: ForeignKey<crate::users::models::Buyer>,\n}\n";
    let users = "#[model]\npub struct Buyer {\n    #[field(on_delete = SetNull, related_name = \"last_for\")]\n    pub last_order: Option<ForeignKey<crate::shop::models::Order>>,\n}\n";
    let dir = project(&[("shop", shop), ("users", users)]);
    let out = makemigrations(dir.path(), &mut NonInteractive).unwrap();
    let listed: Vec<(&str, Vec<(String, String)>)> =
        out.iter().map(|m| (m.0.as_str(), m.2.clone())).collect();
    assert_eq!(
        listed,
        [
            ("shop.0001_initial", vec![]),
            (
                "shop.0002_order_buyer",
                vec![
                    ("shop".into(), "0001_initial".into()),
                    ("users".into(), "0001_initial".into())
                ]
            ),
            (
                "users.0001_initial",
                vec![("shop".into(), "0001_initial".into())]
            ),
        ]
    );
}

#[test]
fn every_operation_prints_and_parses_back() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let state = models::parse::project_state(dir.path(), &apps(dir.path())).unwrap();
    let post = state.get("blog", "post").unwrap();
    let field = post.field("author").unwrap().clone();
    let ops = vec![
        Operation::CreateModel {
            name: "Post".into(),
            fields: post.fields.clone(),
            options: post.options.clone(),
        },
        Operation::DeleteModel {
            name: "Post".into(),
        },
        Operation::RenameModel {
            old_name: "Post".into(),
            new_name: "Article".into(),
        },
        Operation::AlterModelTable {
            name: "post".into(),
            table: Some("posts".into()),
        },
        Operation::AlterModelTable {
            name: "post".into(),
            table: None,
        },
        Operation::AlterModelOptions {
            name: "post".into(),
            options: post.options.clone(),
        },
        Operation::AlterUniqueTogether {
            name: "post".into(),
            unique_together: vec![vec!["a".into(), "b".into()]],
        },
        Operation::AddField {
            model_name: "post".into(),
            name: "author".into(),
            field: field.clone(),
            preserve_default: false,
        },
        Operation::RemoveField {
            model_name: "post".into(),
            name: "body".into(),
        },
        Operation::AlterField {
            model_name: "post".into(),
            name: "author".into(),
            field,
            preserve_default: true,
        },
        Operation::RenameField {
            model_name: "post".into(),
            old_name: "a".into(),
            new_name: "b".into(),
        },
        Operation::AddIndex {
            model_name: "post".into(),
            index: rjango_schema::Index {
                name: "i".into(),
                fields: vec!["a".into()],
            },
        },
        Operation::RemoveIndex {
            model_name: "post".into(),
            name: "i".into(),
        },
        Operation::AddIndexConcurrently {
            model_name: "post".into(),
            index: rjango_schema::Index {
                name: "c".into(),
                fields: vec!["-title".into()],
            },
        },
        Operation::RemoveIndexConcurrently {
            model_name: "post".into(),
            name: "c".into(),
        },
        Operation::AddConstraint {
            model_name: "post".into(),
            constraint: rjango_schema::Constraint::unique("u", vec!["a".into(), "b".into()]),
        },
        Operation::AddConstraint {
            model_name: "post".into(),
            constraint: rjango_schema::Constraint::Unique {
                name: "u_partial".into(),
                fields: vec!["a".into()],
                condition: Some(rjango_schema::Condition::Q(rjango_schema::Q::Or(vec![
                    rjango_schema::Q::Lookup {
                        field: "b".into(),
                        lookup: "gte".into(),
                        value: rjango_schema::QValue::Value(rjango_schema::Value::Int(0)),
                    },
                    rjango_schema::Q::Not(Box::new(rjango_schema::Q::Lookup {
                        field: "c".into(),
                        lookup: "in".into(),
                        value: rjango_schema::QValue::List(vec![
                            rjango_schema::Value::Str("x".into()),
                            rjango_schema::Value::Str("y".into()),
                        ]),
                    })),
                ]))),
                nulls_distinct: Some(false),
            },
        },
        Operation::AddConstraint {
            model_name: "post".into(),
            constraint: rjango_schema::Constraint::Check {
                name: "c".into(),
                check: rjango_schema::Condition::Q(rjango_schema::Q::Lookup {
                    field: "end".into(),
                    lookup: "gt".into(),
                    value: rjango_schema::QValue::F("start".into()),
                }),
            },
        },
        Operation::RemoveConstraint {
            model_name: "post".into(),
            name: "u".into(),
        },
        Operation::RunSql {
            sql: "UPDATE \"t\" SET a = 'x\\n'".into(),
            reverse_sql: Some(String::new()),
        },
        Operation::RunRust {
            code: "crate::blog::data::fill".into(),
            reverse_code: None,
        },
    ];
    let body = syntax::MigrationBody {
        initial: true,
        // Django's `atomic = False`, which AddIndexConcurrently needs; printed only when false.
        atomic: false,
        dependencies: vec![("a".into(), "0001_x".into())],
        operations: ops,
        replaces: vec![
            ("blog".into(), "0001_initial".into()),
            ("blog".into(), "0002_post_views".into()),
        ],
        accepted: Some("the \"box\" table holds 40 rows".into()),
    };
    let text = syntax::migration_text(&body);
    let file: syn::File = syn::parse_str(&text).unwrap();
    let syn::Item::Macro(mac) = &file.items[0] else {
        panic!()
    };
    assert_eq!(syntax::parse_body(mac.mac.tokens.clone()).unwrap(), body);
    assert!(text.contains("    atomic: false,\n"), "{text}");
    assert!(
        text.contains("    accepted: \"the \\\"box\\\" table holds 40 rows\",\n"),
        "{text}"
    );
}

#[test]
fn graph_errors_are_located() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    makemigrations(dir.path(), &mut NonInteractive).unwrap();
    let root = dir.path();
    // Two leaves: Django's conflict.
    write(
        root,
        "src/blog/migrations/0002_a.rs",
        "rjango::migration! { dependencies: [(\"blog\", \"0001_initial\")], operations: [] }\n",
    );
    write(
        root,
        "src/blog/migrations/0002_b.rs",
        "rjango::migration! { dependencies: [(\"blog\", \"0001_initial\")], operations: [] }\n",
    );
    let loader = Loader::load(root, &apps(root)).unwrap();
    let err = loader.leaf("blog").unwrap_err().to_string();
    assert!(
        err.contains("Conflicting migrations detected") && err.contains("0002_a, 0002_b in blog"),
        "{err}"
    );
    // A missing dependency.
    std::fs::remove_file(root.join("src/blog/migrations/0002_b.rs")).unwrap();
    write(
        root,
        "src/blog/migrations/0003_c.rs",
        "rjango::migration! { dependencies: [(\"blog\", \"0002_nope\")], operations: [] }\n",
    );
    let err = Loader::load(root, &apps(root)).unwrap_err().to_string();
    assert!(
        err.contains("0003_c.rs")
            && err.contains("depends on blog.0002_nope, which does not exist"),
        "{err}"
    );
    // A syntax error inside an operation: file:line:col.
    write(
        root,
        "src/blog/migrations/0003_c.rs",
        "rjango::migration! {\n    dependencies: [],\n    operations: [AddField { model_name: \"post\" }],\n}\n",
    );
    let err = Loader::load(root, &apps(root)).unwrap_err().to_string();
    assert!(
        err.contains("0003_c.rs:3:18") && err.contains("AddField needs `name`"),
        "{err}"
    );
}

/// The files makemigrations writes, for representative changes (insta, in snapshots/).
#[test]
fn migration_files_snapshots() {
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    let changed = AUTHOR_POST
        .replace("    pub body: TextField,", "    #[field(max_digits = 8, decimal_places = 2, default = \"9.99\")]\n    pub price: DecimalField,\n    #[field(choices = [(\"d\", \"Draft\"), (\"p\", \"Published\")], max_length = 1, default = \"d\")]\n    pub status: CharField,")
        .replace("max_length = 200", "max_length = 255, unique = true");
    set_models(root, "blog", &changed);
    makemigrations(root, &mut NonInteractive).unwrap();
    for name in [
        "0001_initial",
        "0002_remove_post_body_post_price_post_status_and_more",
    ] {
        let text =
            std::fs::read_to_string(root.join(format!("src/blog/migrations/{name}.rs"))).unwrap();
        insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("makemigrations__{name}"), text);
        });
    }
}

/// squashmigrations: a chain of makemigrations' own migrations becomes one that `replaces`
/// them, optimized, which replays to the same state; afterwards the loader follows the squash,
/// and the next migration is numbered on from the last squashed one.
#[test]
fn squashing_replaces_a_chain() {
    use rjango_codegen::migrations::squash::{Request, plan};
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    let steps = [
        AUTHOR_POST.replace("pub title: CharField,", "pub title: CharField,\n    #[field(default = 0)]\n    pub views: IntegerField,"),
        AUTHOR_POST.replace("pub title: CharField,", "pub title: CharField,\n    #[field(default = 0)]\n    pub views: BigIntegerField,"),
        AUTHOR_POST.replace("#[field(max_length = 200)]\n    pub title: CharField,", "#[field(max_length = 200)]\n    pub title: CharField,\n    #[field(default = 0)]\n    pub views: BigIntegerField,\n    #[field(max_length = 10, default = \"\")]\n    pub slug: CharField,"),
    ];
    for models in &steps {
        set_models(root, "blog", models);
        makemigrations(root, &mut NonInteractive).unwrap();
    }
    let installed = apps(root);
    let loader = Loader::load(root, &installed).unwrap();
    let before = loader.project_state().unwrap();
    let squash = plan(
        &loader,
        &Request {
            app: "blog",
            start: None,
            end: "0004",
            squashed_name: None,
            optimize: true,
        },
    )
    .unwrap();
    assert_eq!(squash.names.len(), 4);
    assert_eq!(squash.migration.name, "0001_squashed_0004_post_slug");
    assert_eq!(squash.migration.body.replaces.len(), 4);
    assert!(squash.migration.body.initial);
    // CreateModel Author, CreateModel Post (views as a BigIntegerField, and slug, folded in).
    assert_eq!(
        names(&squash.migration.body.operations),
        ["Create model Author", "Create model Post"],
        "from {} operations",
        squash.before
    );
    write(
        root,
        &squash.migration.path.to_string_lossy(),
        &squash.migration.text("now"),
    );
    let loader = Loader::load(root, &installed).unwrap();
    assert_eq!(loader.migrations.len(), 1, "the squash stands for the four");
    assert!(loader.project_state().unwrap().equivalent(&before));
    assert_eq!(loader.next_number("blog"), 5);
    // Squashing a squash is refused, as in Django.
    let e = plan(
        &loader,
        &Request {
            app: "blog",
            start: None,
            end: "0001_squashed",
            squashed_name: None,
            optimize: true,
        },
    )
    .unwrap_err();
    assert!(
        e.starts_with("You cannot squash squashed migrations!"),
        "{e}"
    );
    let e = plan(
        &loader,
        &Request {
            app: "blog",
            start: None,
            end: "0009",
            squashed_name: None,
            optimize: true,
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        "Cannot find a migration matching '0009' from app 'blog'."
    );
}

/// A squash of a chain with a migration that says `atomic: false` (AddIndexConcurrently, which
/// PostgreSQL refuses inside a transaction) says `atomic: false` too; one of atomic migrations
/// alone does not.
#[test]
fn a_squash_is_not_atomic_when_a_squashed_migration_is_not() {
    use rjango_codegen::migrations::squash::{Request, plan};
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    write(
        root,
        "src/blog/migrations/0002_post_title_idx.rs",
        r#"rjango::migration! {
    atomic: false,
    dependencies: [("blog", "0001_initial")],
    operations: [
        AddIndexConcurrently { model_name: "post", index: Index { name: "blog_post_title_idx", fields: ["title"] } },
    ],
}
"#,
    );
    let installed = apps(root);
    let loader = Loader::load(root, &installed).unwrap();
    let squash = |end: &'static str| {
        plan(
            &loader,
            &Request {
                app: "blog",
                start: None,
                end,
                squashed_name: None,
                optimize: true,
            },
        )
        .unwrap()
        .migration
    };
    assert!(squash("0001").body.atomic);
    let both = squash("0002");
    assert!(!both.body.atomic);
    assert!(
        both.text("now").contains("    atomic: false,\n"),
        "{}",
        both.text("now")
    );
}

/// makemigrations --merge: two branches that each made 0002 get a merge migration depending on
/// both, named after them, and the branches' operations are reported.
#[test]
fn merging_two_leaves() {
    use rjango_codegen::migrations::merge;
    let dir = project(&[("blog", AUTHOR_POST)]);
    let root = dir.path();
    makemigrations(root, &mut NonInteractive).unwrap();
    let branch = |name: &str, field: &str| {
        format!(
            "rjango::migration! {{\n    dependencies: [(\"blog\", \"0001_initial\")],\n    operations: [\n        AddField {{ model_name: \"post\", name: \"{field}\", field: IntegerField {{ default: 0 }} }},\n    ],\n}}\n"
        )
        .replace("{name}", name)
    };
    write(
        root,
        "src/blog/migrations/0002_post_likes.rs",
        &branch("a", "likes"),
    );
    write(
        root,
        "src/blog/migrations/0002_post_shares.rs",
        &branch("b", "shares"),
    );
    let loader = Loader::load(root, &apps(root)).unwrap();
    let e = loader.leaf("blog").unwrap_err().to_string();
    assert!(e.contains("Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_post_likes, 0002_post_shares in blog)"), "{e}");
    assert!(
        e.contains("To fix them run 'rjango makemigrations --merge'"),
        "{e}"
    );
    let conflicts = merge::conflicts(&loader);
    assert_eq!(conflicts.len(), 1);
    let branches = merge::branches(&loader, &conflicts[0]).unwrap();
    assert_eq!(names(&branches[0].operations), ["Add field likes to post"]);
    assert_eq!(names(&branches[1].operations), ["Add field shares to post"]);
    let m = merge::merge_migration(&conflicts[0], None, "20261206_0300");
    assert_eq!(m.name, "0003_merge_0002_post_likes_0002_post_shares");
    assert!(m.body.operations.is_empty());
    assert_eq!(m.body.dependencies.len(), 2);
    write(root, &m.path.to_string_lossy(), &m.text("now"));
    let loader = Loader::load(root, &apps(root)).unwrap();
    assert_eq!(
        loader.leaf("blog").unwrap().as_deref(),
        Some("0003_merge_0002_post_likes_0002_post_shares")
    );
    // Long names give way to the time, as Django's do.
    let long = merge::Conflict {
        app: "blog".into(),
        leaves: vec![
            "0002_a_very_long_migration_name_here".into(),
            "0002_another_very_long_one".into(),
        ],
    };
    assert_eq!(
        merge::merge_migration(&long, None, "20261206_0300").name,
        "0003_merge_20261206_0300"
    );
}
