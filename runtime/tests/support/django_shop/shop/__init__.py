"""App `shop` for Django: the migration chain of runtime/tests/migrate.rs, written by hand as
Django migrations, so the matrix's expected schemas come from Django and not from rjango."""
