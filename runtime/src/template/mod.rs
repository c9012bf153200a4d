//! Template glue. rjango's templates are askama templates (compiled, type-checked against
//! their context struct); this module makes their output match Django's.

use std::fmt::{self, Write};

mod context;
mod dateformat;
pub mod filters;

pub use context::RequestContext;

/// HTML escaping with Django's entities (`&amp; &lt; &gt; &quot; &#x27;`), where askama's
/// default writes numeric ones (`&#38;`): pages compare equal to a Django site's. Generated
/// projects select it in askama.toml.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut last = 0;
        for (i, byte) in string.bytes().enumerate() {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                _ => continue,
            };
            dest.write_str(&string[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&string[last..])
    }
}

/// Django's `TemplateResponse`: renders `template` as [`render`](crate::shortcuts::render)
/// does, and keeps the template value on the response, so a test reads what the view rendered
/// (`response.context::<PostList>()`, Django's `response.context`). The template must own its
/// data (`'static`), where `render` also takes one that borrows.
#[allow(non_snake_case)]
pub fn TemplateResponse<T: askama::Template + Send + Sync + 'static>(
    request: &crate::http::HttpRequest,
    template: T,
) -> Result<crate::http::HttpResponse, crate::http::ViewError> {
    let mut response = crate::shortcuts::render(request, &template)?;
    response.set_context(std::sync::Arc::new(template));
    Ok(response)
}

/// Escapes text for HTML as Django's `escape` does.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    askama::filters::Escaper::write_escaped_str(&Html, &mut out, text)
        .expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn djangos_entities() {
        assert_eq!(
            super::escape(r#"Tom & "Jerry" <b>'s</b>"#),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#x27;s&lt;/b&gt;"
        );
        assert_eq!(super::escape("café"), "café");
    }
}

#[cfg(test)]
/// `{{ reverse::polls::detail(q.id) }}`: askama passes `&q.id`, which the typed reverse
/// functions take.
mod reverse_in_templates {
    mod reverse {
        pub mod polls {
            // As rjango's generator writes it.
            pub fn detail(question_id: impl crate::urls::IntParam) -> String {
                format!("/polls/{}/", crate::urls::IntParam::to_i64(&question_id))
            }
        }
    }

    struct Question {
        id: i64,
    }

    #[derive(askama::Template)]
    #[template(
        source = "{% for q in questions %}<a href=\"{{ reverse::polls::detail(q.id) }}\">{% endfor %}",
        ext = "html"
    )]
    struct Index {
        questions: Vec<Question>,
    }

    #[test]
    fn a_path_call_reverses() {
        let page = Index {
            questions: vec![Question { id: 7 }],
        };
        assert_eq!(
            askama::Template::render(&page).unwrap(),
            "<a href=\"/polls/7/\">"
        );
    }
}
