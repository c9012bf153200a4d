//! makemigrations: read the migrations an app has (`loader`), replay them to the state before,
//! diff against the models (`autodetector`, asking the `questioner` where Django asks), and
//! write new migration files (`writer`) in the syntax of `syntax`.

pub mod autodetector;
pub mod loader;
pub mod merge;
pub mod optimizer;
pub mod questioner;
pub mod squash;
pub mod syntax;
pub mod writer;
