//! `rjango generate crud`: the code a Django user writes by hand for a model's list, detail,
//! create, update and delete pages, written once into their app as their own: the ModelForm
//! ([`rust::forms`]), the pages and generic views ([`rust::views`]), the routes
//! ([`rust::routes`]) and the askama templates ([`html::pages`]). Nothing here is hidden behind
//! a macro: the output is the idiomatic code of rjango's generic views, to read and edit.

pub mod html;
pub mod model;
pub mod rust;

pub use model::CrudModel;
