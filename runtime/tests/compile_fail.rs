//! Compile-time guarantees, proven by compiling code that must not compile: a view whose
//! parameters do not fit its route's converters, a typed reverse called with the wrong
//! arguments, stale generated code, an unknown converter, a wrong error-handler signature,
//! and the ORM's: an unknown field, a lookup or value that does not fit the column, a
//! `select_related` of something that is not a foreign key; a form field whose Django class
//! does not clean to its Rust type, an unknown form option; a ModelForm field the model lacks
//! or one forms cannot edit yet; a misspelled or unsearchable admin option; a page whose template cannot be named as Django names it.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
