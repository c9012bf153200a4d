// A TemplateView's page has no model to name its template after: Django's TemplateView needs
// a template_name too.
use rjango::views::generic::TemplateContext;

rjango::page!(pub struct AboutPage(TemplateContext));

fn main() {}
