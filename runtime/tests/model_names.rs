//! Hygiene of `#[model]`: every name Django accepts for a field, a model or a related_name
//! compiles, and means the user's item, never one of the generated code's. The corpus holds
//! every identifier the generated code uses, every single letter, Rust keywords as raw
//! identifiers (those Python allows, so Django does too), model names that are also the names of
//! SeaORM's entity types, and two models of one name in two apps.

mod shop {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Item {
            #[field(max_length = 20)]
            pub sku: CharField,
        }
    }
}

mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        /// Every single letter.
        #[model]
        pub struct Letters {
            pub a: IntegerField,
            pub b: IntegerField,
            pub c: IntegerField,
            pub d: IntegerField,
            pub e: IntegerField,
            pub f: IntegerField,
            pub g: IntegerField,
            pub h: IntegerField,
            pub i: IntegerField,
            pub j: IntegerField,
            pub k: IntegerField,
            pub l: IntegerField,
            pub m: IntegerField,
            pub n: IntegerField,
            pub o: IntegerField,
            pub p: IntegerField,
            pub q: IntegerField,
            pub r: IntegerField,
            pub s: IntegerField,
            pub t: IntegerField,
            pub u: IntegerField,
            pub v: IntegerField,
            pub w: IntegerField,
            pub x: IntegerField,
            pub y: IntegerField,
            pub z: IntegerField,
        }

        /// Rust keywords, as raw identifiers: every one that is not also a Python keyword.
        #[model]
        pub struct Keywords {
            pub r#type: IntegerField,
            pub r#match: IntegerField,
            pub r#fn: IntegerField,
            pub r#struct: IntegerField,
            pub r#mod: IntegerField,
            pub r#use: IntegerField,
            pub r#move: IntegerField,
            pub r#ref: IntegerField,
            pub r#loop: IntegerField,
            pub r#impl: IntegerField,
            pub r#let: IntegerField,
            pub r#mut: IntegerField,
            pub r#pub: IntegerField,
            pub r#where: IntegerField,
            pub r#trait: IntegerField,
            pub r#enum: IntegerField,
            pub r#const: IntegerField,
            pub r#static: IntegerField,
            pub r#unsafe: IntegerField,
            pub r#extern: IntegerField,
            pub r#dyn: IntegerField,
            pub r#box: IntegerField,
            pub r#macro: IntegerField,
            pub r#abstract: IntegerField,
            pub r#become: IntegerField,
            pub r#do: IntegerField,
            pub r#final: IntegerField,
            pub r#override: IntegerField,
            pub r#priv: IntegerField,
            pub r#typeof: IntegerField,
            pub r#unsized: IntegerField,
            pub r#virtual: IntegerField,
            pub r#gen: IntegerField,
            pub r#true: IntegerField,
            pub r#false: IntegerField,
            pub union: IntegerField,
            pub r#raw: IntegerField,
            pub safe: IntegerField,
            pub auto: IntegerField,
            #[field(on_delete = Cascade, related_name = "type")]
            pub owner: ForeignKey<Letters>,
            #[field(related_name = "match")]
            pub members: ManyToManyField<Letters>,
        }

        /// A model of the same name as `shop::models::Item`, pointing at both.
        #[model]
        pub struct Item {
            #[field(max_length = 20)]
            pub sku: CharField,
            #[field(on_delete = Cascade, related_name = "variants")]
            pub parent: Option<ForeignKey<Item>>,
            #[field(on_delete = Cascade, related_name = "blog_items")]
            pub stock: ForeignKey<crate::shop::models::Item>,
            pub similar: ManyToManyField<crate::shop::models::Item>,
        }

        /// Models named as the generated SeaORM items, relating to each other.
        #[model]
        pub struct Entity {
            #[field(on_delete = Cascade)]
            pub column: ForeignKey<Column>,
            pub models: ManyToManyField<Model>,
        }

        #[model]
        pub struct Column {
            #[field(on_delete = Cascade)]
            pub relation: ForeignKey<Relation>,
        }

        #[model]
        pub struct Model {
            #[field(on_delete = Cascade)]
            pub active: ForeignKey<ActiveModel>,
        }

        #[model]
        pub struct Relation {
            #[field(on_delete = Cascade)]
            pub key: OneToOneField<PrimaryKey>,
        }

        #[model]
        pub struct ActiveModel {
            pub entities: ManyToManyField<Entity>,
        }

        #[model]
        pub struct PrimaryKey {
            #[field(on_delete = Cascade)]
            pub entity: Option<ForeignKey<Entity>>,
        }

        /// Names that are keywords in lower case, and names of crates and types the generated
        /// code uses.
        #[model]
        pub struct Crate {
            #[field(on_delete = Cascade)]
            pub parent: ForeignKey<Super>,
        }

        #[model]
        pub struct Super {
            pub crates: ManyToManyField<Crate>,
        }

        #[model]
        pub struct Uuid {
            pub value: UUIDField,
            #[field(on_delete = Cascade)]
            pub log: ForeignKey<Log>,
        }

        #[model]
        pub struct Log {
            #[field(on_delete = Cascade)]
            pub url: ForeignKey<Url>,
        }

        #[model]
        pub struct Url {
            pub uuids: ManyToManyField<Uuid>,
        }

        /// Names the generated code uses for its own variables, parameters and methods.
        #[model]
        pub struct Generated {
            pub row: IntegerField,
            pub col: IntegerField,
            pub offset: IntegerField,
            pub loaded: IntegerField,
            pub now: IntegerField,
            pub inserting: IntegerField,
            pub pre: IntegerField,
            pub counts: IntegerField,
            pub objects: IntegerField,
            pub table: IntegerField,
            pub values: IntegerField,
            pub default: IntegerField,
            pub from: IntegerField,
            pub into: IntegerField,
            pub get: IntegerField,
            pub set: IntegerField,
            pub new: IntegerField,
            pub def: IntegerField,
            pub take: IntegerField,
            pub reset: IntegerField,
            pub iter: IntegerField,
            pub link: IntegerField,
            pub hops: IntegerField,
            pub slot: IntegerField,
            pub target: IntegerField,
            pub joins: IntegerField,
            pub touch: IntegerField,
            pub fields: IntegerField,
            pub name: IntegerField,
            pub column: IntegerField,
            pub model: IntegerField,
            pub entity: IntegerField,
            pub relation: IntegerField,
            pub active_model: IntegerField,
            pub primary_key: IntegerField,
            pub std: IntegerField,
            pub core: IntegerField,
            pub rjango: IntegerField,
            pub sea_orm: IntegerField,
            pub chrono: IntegerField,
            pub inventory: IntegerField,
        }
    }
}

/// A models package (`models/mod.rs` with a file per model), its relations spelled as paths
/// between the files: `super::author::Author`, `super::Author` and the bare re-exported name.
mod press {
    pub mod models {
        pub use self::{author::Author, book::Book};

        pub mod author {
            use rjango::models::prelude::*;

            #[model]
            pub struct Author {
                #[field(max_length = 50)]
                pub name: CharField,
            }
        }

        pub mod book {
            use rjango::models::prelude::*;

            #[model]
            pub struct Book {
                #[field(on_delete = Cascade)]
                pub author: ForeignKey<super::author::Author>,
                #[field(on_delete = Cascade, related_name = "edited")]
                pub editor: ForeignKey<super::Author>,
            }
        }

        pub mod review {
            use super::Book;
            use rjango::models::prelude::*;

            #[model]
            pub struct Review {
                #[field(on_delete = Cascade)]
                pub book: ForeignKey<Book>,
            }
        }
    }
}

use rjango::models::{Model, Relation};

/// A relation names the model the user meant: `Item` is this app's, the path another app's,
/// even where the two share a name, and the SeaORM-named models point at each other.
#[test]
fn relations_name_the_users_models() {
    use blog::models::{column, entity, item, keywords, relation};
    fn target<R: Relation>(_: R) -> &'static str {
        <R::To as Model>::table()
    }
    assert_eq!(target(item::parent), "blog_item");
    assert_eq!(target(item::stock), "shop_item");
    assert_eq!(target(item::similar), "shop_item");
    assert_eq!(target(entity::column), "blog_column");
    assert_eq!(target(entity::models), "blog_model");
    assert_eq!(target(column::relation), "blog_relation");
    assert_eq!(target(relation::key), "blog_primarykey");
    assert_eq!(target(keywords::owner), "blog_letters");
    assert_eq!(target(blog::models::crate_::parent), "blog_super");
    assert_eq!(target(blog::models::super_::crates), "blog_crate");
    assert_eq!(target(blog::models::uuid::log), "blog_log");
    assert_eq!(target(press::models::book::book::author), "press_author");
    assert_eq!(target(press::models::book::book::editor), "press_author");
    assert_eq!(target(press::models::review::review::book), "press_book");
}

/// Columns are named after the fields, raw identifiers without their `r#`.
#[test]
fn columns_are_the_field_names() {
    let columns: Vec<&str> = <blog::models::Keywords as Model>::FIELDS
        .iter()
        .map(|f| f.column)
        .collect();
    assert_eq!(&columns[..4], ["id", "type", "match", "fn"]);
    assert!(columns.contains(&"owner_id"));
    let letters: Vec<&str> = <blog::models::Letters as Model>::FIELDS
        .iter()
        .map(|f| f.column)
        .collect();
    assert_eq!(letters.len(), 27);
    assert_eq!(<blog::models::Crate as Model>::table(), "blog_crate");
    assert_eq!(<blog::models::Entity as Model>::table(), "blog_entity");
}

/// Reverse accessors named by a keyword related_name are raw identifiers; the querysets they
/// give filter on the right column.
#[test]
fn keyword_related_names_are_accessors() {
    let letters = blog::models::Letters {
        id: 7,
        a: 0,
        b: 0,
        c: 0,
        d: 0,
        e: 0,
        f: 0,
        g: 0,
        h: 0,
        i: 0,
        j: 0,
        k: 0,
        l: 0,
        m: 0,
        n: 0,
        o: 0,
        p: 0,
        q: 0,
        r: 0,
        s: 0,
        t: 0,
        u: 0,
        v: 0,
        w: 0,
        x: 0,
        y: 0,
        z: 0,
    };
    let _owned: rjango::models::QuerySet<blog::models::Keywords> = letters.r#type();
    let _members = letters.r#match();
    let item = shop::models::Item {
        id: 1,
        sku: "x".into(),
    };
    let _variants_of_shop_item = item.blog_items();
}
