//! The SeaORM entity `#[model]` generates for the user's own struct, in the model's field
//! module: `Entity`, `Column`, `PrimaryKey`, `Relation` (belongs_to each foreign key's model)
//! and `ActiveModel`, written out by hand rather than through SeaORM's derives, because the
//! Model is the user's struct (not a `Model` of the entity's module) and the table name is
//! known only at run time (`module_path!`).
//!
//! A DurationField is left out of the entity (read as zero, never written): `chrono::TimeDelta`
//! has none of SeaORM's value traits, and neither crate is ours to add them to.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rjango_schema::{FieldState, FieldType};

/// One column of the model, as the entity sees it.
pub struct EntityColumn<'a> {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    pub name: &'a str,
    pub state: &'a FieldState,
}

/// `created_at` -> `CreatedAt`.
pub fn camel(name: &str) -> syn::Ident {
    let mut out = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    format_ident!("{}", out)
}

/// The SeaORM column type of a field.
fn column_type(ft: &FieldType) -> TokenStream {
    let sq = quote!(::rjango::__private::sea_orm::sea_query);
    match ft {
        FieldType::CharField { max_length }
        | FieldType::SlugField { max_length }
        | FieldType::EmailField { max_length }
        | FieldType::URLField { max_length } => {
            quote!(#sq::ColumnType::String(#sq::StringLen::N(#max_length)))
        }
        FieldType::TextField => quote!(#sq::ColumnType::Text),
        FieldType::AutoField | FieldType::IntegerField | FieldType::PositiveIntegerField => {
            quote!(#sq::ColumnType::Integer)
        }
        FieldType::SmallAutoField
        | FieldType::SmallIntegerField
        | FieldType::PositiveSmallIntegerField => quote!(#sq::ColumnType::SmallInteger),
        FieldType::BooleanField => quote!(#sq::ColumnType::Boolean),
        FieldType::FloatField => quote!(#sq::ColumnType::Double),
        FieldType::DecimalField {
            max_digits,
            decimal_places,
        } => {
            quote!(#sq::ColumnType::Decimal(::std::option::Option::Some((#max_digits, #decimal_places))))
        }
        FieldType::DateField { .. } => quote!(#sq::ColumnType::Date),
        FieldType::TimeField { .. } => quote!(#sq::ColumnType::Time),
        FieldType::DateTimeField { .. } => quote!(#sq::ColumnType::TimestampWithTimeZone),
        FieldType::UUIDField => quote!(#sq::ColumnType::Uuid),
        FieldType::JSONField => quote!(#sq::ColumnType::Json),
        FieldType::BinaryField => quote!(#sq::ColumnType::VarBinary(#sq::StringLen::None)),
        _ => quote!(#sq::ColumnType::BigInteger),
    }
}

/// A foreign key as the entity sees it: a `belongs_to` relation, and `Related` to its model
/// when it is the only relation between the two (two would be two `Related` impls of one type).
pub struct EntityForeignKey {
    pub name: String,
    pub target: syn::Type,
    pub related: bool,
}

/// The entity of the row struct `m` (a path from the entity's module), stored in `table` (an
/// expression giving the table's name).
pub fn entity(
    m: TokenStream,
    table: TokenStream,
    all_columns: &[EntityColumn],
    no_columns: &[&syn::Ident],
    foreign_keys: &[EntityForeignKey],
) -> TokenStream {
    let (durations, columns): (Vec<&EntityColumn>, Vec<&EntityColumn>) = all_columns
        .iter()
        .partition(|c| matches!(c.state.field_type, FieldType::DurationField));
    let no_columns: Vec<&syn::Ident> = no_columns
        .iter()
        .copied()
        .chain(durations.iter().map(|c| &c.ident))
        .collect();
    let sea = quote!(::rjango::__private::sea_orm);
    let variants: Vec<syn::Ident> = columns.iter().map(|c| camel(c.name)).collect();
    let idents: Vec<&syn::Ident> = columns.iter().map(|c| &c.ident).collect();
    let types: Vec<&syn::Type> = columns.iter().map(|c| &c.ty).collect();
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    let column_names: Vec<String> = columns.iter().map(|c| c.state.column(c.name)).collect();
    let n = columns.len();
    let defs = columns.iter().map(|c| {
        let ty = column_type(&c.state.field_type);
        let null = c.state.null.then(|| quote!(.nullable()));
        let unique = (c.state.unique && !c.state.primary_key).then(|| quote!(.unique()));
        quote!(#sea::ColumnTypeTrait::def(#ty) #null #unique)
    });
    let Some((pk_ty, pk_variant)) = columns
        .iter()
        .zip(&variants)
        .find(|(c, _)| c.state.primary_key)
        .map(|(c, v)| (&c.ty, v.clone()))
    else {
        return quote!();
    };
    let pk_column = columns
        .iter()
        .find(|c| c.state.primary_key)
        .map(|c| c.state.column(c.name))
        .unwrap_or_default();
    let auto = columns
        .iter()
        .any(|c| c.state.primary_key && c.state.field_type.is_auto());
    let relation_variants: Vec<syn::Ident> =
        foreign_keys.iter().map(|fk| camel(&fk.name)).collect();
    let relation_defs = foreign_keys.iter().zip(&relation_variants).map(|(fk, v)| {
        let target = &fk.target;
        let from = camel(&fk.name);
        quote! {
            Self::#v => <Entity as #sea::EntityTrait>::belongs_to(
                <<#target as ::rjango::models::entity::HasEntity>::Entity as ::std::default::Default>::default(),
            )
            .from(Column::#from)
            .to(#sea::PrimaryKeyToColumn::into_column(
                <<<#target as ::rjango::models::entity::HasEntity>::Entity as #sea::EntityTrait>::PrimaryKey as #sea::Iterable>::iter()
                    .next()
                    .expect("an entity has a primary key"),
            ))
            .into()
        }
    });
    let related = foreign_keys.iter().zip(&relation_variants).filter(|(fk, _)| fk.related).map(|(fk, v)| {
        let target = &fk.target;
        quote! {
            impl #sea::Related<<#target as ::rjango::models::entity::HasEntity>::Entity> for Entity {
                fn to() -> #sea::RelationDef {
                    <Relation as #sea::RelationTrait>::def(&Relation::#v)
                }
            }
        }
    });
    let r = relation_variants.len();
    let relation_def = if relation_variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#relation_defs,)* })
    };
    // Fields without a column (many-to-many, DurationField) are their defaults in a row.
    let defaults: Vec<TokenStream> = no_columns
        .iter()
        .map(|id| quote!(#id: ::std::default::Default::default()))
        .collect();
    let type_err =
        quote!(.map_err(|__e| #sea::DbErr::Type(::std::string::ToString::to_string(&__e)))?);

    quote! {
        /// The SeaORM entity of the model: plain SeaORM works on the same rows.
        #[derive(Copy, Clone, Default, Debug)]
        pub struct Entity;

        impl ::rjango::models::entity::HasEntity for #m {
            type Entity = Entity;
        }

        fn __table() -> &'static str {
            #table
        }

        impl #sea::Iden for Entity {
            fn unquoted(&self) -> &str {
                __table()
            }
        }

        impl #sea::IdenStatic for Entity {
            fn as_str(&self) -> &'static str {
                __table()
            }
        }

        impl #sea::EntityName for Entity {
            fn table_name(&self) -> &'static str {
                __table()
            }
        }

        impl #sea::EntityTrait for Entity {
            type Model = #m;
            type ModelEx = #m;
            type ActiveModel = ActiveModel;
            type ActiveModelEx = ActiveModel;
            type Column = Column;
            type PrimaryKey = PrimaryKey;
            type Relation = Relation;
        }

        /// The model's columns, for plain SeaORM.
        // Not PartialEq: SeaORM's `Column::Title.eq(value)` (ColumnTrait) must be the only `eq`.
        #[derive(Copy, Clone, Debug)]
        pub enum Column {
            #(#variants,)*
        }

        impl #sea::IdenStatic for Column {
            fn as_str(&self) -> &'static str {
                match self {
                    #(Self::#variants => #column_names,)*
                }
            }
        }

        impl #sea::Iden for Column {
            fn unquoted(&self) -> &str {
                <Self as #sea::IdenStatic>::as_str(self)
            }
        }

        impl ::std::str::FromStr for Column {
            type Err = #sea::ColumnFromStrErr;
            fn from_str(__s: &str) -> ::std::result::Result<Self, Self::Err> {
                match __s {
                    #(#column_names | #names => ::std::result::Result::Ok(Self::#variants),)*
                    _ => ::std::result::Result::Err(#sea::ColumnFromStrErr(__s.to_owned())),
                }
            }
        }

        impl #sea::Iterable for Column {
            type Iterator = ::std::array::IntoIter<Self, #n>;
            fn iter() -> Self::Iterator {
                [#(Self::#variants),*].into_iter()
            }
        }

        impl #sea::ColumnTrait for Column {
            type EntityName = Entity;
            fn def(&self) -> #sea::ColumnDef {
                match self {
                    #(Self::#variants => #defs,)*
                }
            }
        }

        /// The model's primary key, for plain SeaORM.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum PrimaryKey {
            #pk_variant,
        }

        impl #sea::IdenStatic for PrimaryKey {
            fn as_str(&self) -> &'static str {
                #pk_column
            }
        }

        impl #sea::Iden for PrimaryKey {
            fn unquoted(&self) -> &str {
                #pk_column
            }
        }

        impl #sea::Iterable for PrimaryKey {
            type Iterator = ::std::array::IntoIter<Self, 1>;
            fn iter() -> Self::Iterator {
                [Self::#pk_variant].into_iter()
            }
        }

        impl #sea::PrimaryKeyTrait for PrimaryKey {
            type ValueType = #pk_ty;
            fn auto_increment() -> bool {
                #auto
            }
        }

        impl #sea::PrimaryKeyToColumn for PrimaryKey {
            type Column = Column;
            fn into_column(self) -> Column {
                Column::#pk_variant
            }
            fn from_column(__col: Column) -> ::std::option::Option<Self> {
                match __col {
                    Column::#pk_variant => ::std::option::Option::Some(Self::#pk_variant),
                    #[allow(unreachable_patterns)]
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// The model's foreign keys as SeaORM relations (belongs_to).
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Relation {
            #(#relation_variants,)*
        }

        impl #sea::Iterable for Relation {
            type Iterator = ::std::array::IntoIter<Self, #r>;
            fn iter() -> Self::Iterator {
                [#(Self::#relation_variants),*].into_iter()
            }
        }

        impl #sea::RelationTrait for Relation {
            fn def(&self) -> #sea::RelationDef {
                #relation_def
            }
        }

        #(#related)*

        impl #sea::ModelTrait for #m {
            type Entity = Entity;

            fn get(&self, __c: Column) -> #sea::Value {
                match __c {
                    #(Column::#variants => self.#idents.clone().into(),)*
                }
            }

            fn get_value_type(__c: Column) -> #sea::sea_query::ArrayType {
                match __c {
                    #(Column::#variants => <#types as #sea::sea_query::ValueType>::array_type(),)*
                }
            }

            fn try_set(&mut self, __c: Column, __v: #sea::Value) -> ::std::result::Result<(), #sea::DbErr> {
                match __c {
                    #(Column::#variants => self.#idents = #sea::sea_query::ValueType::try_from(__v) #type_err,)*
                }
                ::std::result::Result::Ok(())
            }
        }

        impl #sea::FromQueryResult for #m {
            fn from_query_result(__row: &#sea::QueryResult, __pre: &str) -> ::std::result::Result<Self, #sea::DbErr> {
                Self::from_query_result_nullable(__row, __pre).map_err(::std::convert::Into::into)
            }

            fn from_query_result_nullable(
                __row: &#sea::QueryResult,
                __pre: &str,
            ) -> ::std::result::Result<Self, #sea::TryGetError> {
                // A joined row that is missing (LEFT JOIN) reads as all NULL: no model.
                let __pk = __row.try_get_nullable::<::std::option::Option<#pk_ty>>(__pre, #pk_column)?;
                if __pk.is_none() {
                    return ::std::result::Result::Err(#sea::TryGetError::Null(#pk_column.to_owned()));
                }
                ::std::result::Result::Ok(#m {
                    #(#idents: __row.try_get_nullable::<#types>(__pre, #column_names)?,)*
                    #(#defaults,)*
                })
            }
        }

        /// The model's ActiveModel: one `ActiveValue` per column.
        #[derive(Clone, Debug, PartialEq)]
        pub struct ActiveModel {
            #(pub #idents: #sea::ActiveValue<#types>,)*
        }

        impl ::std::default::Default for ActiveModel {
            fn default() -> Self {
                <Self as #sea::ActiveModelBehavior>::new()
            }
        }

        impl ::std::convert::From<#m> for ActiveModel {
            fn from(__m: #m) -> Self {
                ActiveModel {
                    #(#idents: #sea::ActiveValue::Unchanged(__m.#idents),)*
                }
            }
        }

        impl #sea::IntoActiveModel<ActiveModel> for #m {
            fn into_active_model(self) -> ActiveModel {
                self.into()
            }
        }

        impl ::std::convert::TryFrom<ActiveModel> for #m {
            type Error = #sea::DbErr;
            fn try_from(__a: ActiveModel) -> ::std::result::Result<Self, #sea::DbErr> {
                #(
                    if __a.#idents.is_not_set() {
                        return ::std::result::Result::Err(#sea::DbErr::AttrNotSet(#names.to_owned()));
                    }
                )*
                ::std::result::Result::Ok(#m {
                    #(#idents: __a.#idents.unwrap(),)*
                    #(#defaults,)*
                })
            }
        }

        impl #sea::TryIntoModel<#m> for ActiveModel {
            fn try_into_model(self) -> ::std::result::Result<#m, #sea::DbErr> {
                ::std::convert::TryInto::try_into(self)
            }
        }

        impl #sea::ActiveModelTrait for ActiveModel {
            type Entity = Entity;

            fn take(&mut self, __c: Column) -> #sea::ActiveValue<#sea::Value> {
                match __c {
                    #(Column::#variants => ::std::mem::take(&mut self.#idents).into_wrapped_value(),)*
                }
            }

            fn get(&self, __c: Column) -> #sea::ActiveValue<#sea::Value> {
                match __c {
                    #(Column::#variants => self.#idents.clone().into_wrapped_value(),)*
                }
            }

            fn set_if_not_equals(&mut self, __c: Column, __v: #sea::Value) {
                match __c {
                    #(Column::#variants => self.#idents.set_if_not_equals(#sea::sea_query::ValueType::unwrap(__v)),)*
                }
            }

            fn try_set(&mut self, __c: Column, __v: #sea::Value) -> ::std::result::Result<(), #sea::DbErr> {
                match __c {
                    #(Column::#variants => self.#idents = #sea::ActiveValue::Set(#sea::sea_query::ValueType::try_from(__v) #type_err),)*
                }
                ::std::result::Result::Ok(())
            }

            fn not_set(&mut self, __c: Column) {
                match __c {
                    #(Column::#variants => self.#idents = #sea::ActiveValue::NotSet,)*
                }
            }

            fn is_not_set(&self, __c: Column) -> bool {
                match __c {
                    #(Column::#variants => self.#idents.is_not_set(),)*
                }
            }

            fn default() -> Self {
                ActiveModel {
                    #(#idents: #sea::ActiveValue::NotSet,)*
                }
            }

            fn default_values() -> Self {
                #[allow(unused_imports)]
                use #sea::value::{DefaultActiveValue, DefaultActiveValueNone, DefaultActiveValueNotSet};
                let mut __d = <Self as #sea::ActiveModelTrait>::default();
                #(__d.#idents = (&__d.#idents).default_value();)*
                __d
            }

            fn reset(&mut self, __c: Column) {
                match __c {
                    #(Column::#variants => self.#idents.reset(),)*
                }
            }
        }

        impl #sea::ActiveModelBehavior for ActiveModel {}
    }
}
