//! The contenttypes app's management commands, as Django keeps them in
//! `django/contrib/contenttypes/management/commands/`.

pub mod remove_stale_contenttypes;
