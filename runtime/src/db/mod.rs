//! Django's `django.db`. Migrations are here now; connections, `transaction::atomic` and the
//! schema editor arrive with the migration executor and the ORM.

pub mod migrations;
