//! Expansion of `migration! { ... }`: the grammar and the construction code live in
//! rjango-codegen, shared with the loader that reads migration files back.

use proc_macro2::TokenStream;

pub fn expand(input: TokenStream) -> TokenStream {
    match rjango_codegen::migrations::syntax::parse_body(input) {
        Ok(body) => rjango_codegen::migrations::syntax::construct(&body),
        Err(e) => e.to_compile_error(),
    }
}
