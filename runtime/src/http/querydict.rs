//! `QueryDict`: the multi-valued dictionary of a query string or a form body.

/// Keys with one or more values each, in the order they came. `get` returns the last value of
/// a key, as Django's `QueryDict.__getitem__` does; `getlist` returns them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
}

impl QueryDict {
    /// Parses `application/x-www-form-urlencoded` text (a query string or a form body).
    pub fn parse(input: &[u8]) -> Self {
        let pairs = form_urlencoded::parse(input)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        QueryDict { pairs }
    }

    /// A QueryDict of these pairs, in order.
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        QueryDict { pairs }
    }

    /// The last value of `key`, like `request.GET.get("q")`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, like `request.GET.getlist("tag")`.
    pub fn getlist(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// Each distinct key once, in first-seen order.
    pub fn keys(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| seen.insert(*k))
            .collect()
    }

    /// Every (key, value) pair in order, repeated keys included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.keys().len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Back to `application/x-www-form-urlencoded`, like `QueryDict.urlencode()`.
    pub fn urlencode(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.pairs)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_value_wins_and_lists_keep_all() {
        let q = QueryDict::parse(b"q=a+b&tag=x&tag=y&q=%C3%A9");
        assert_eq!(q.get("q"), Some("é"));
        assert_eq!(q.getlist("tag"), vec!["x", "y"]);
        assert_eq!(q.keys(), vec!["q", "tag"]);
        assert_eq!(q.get("missing"), None);
        assert_eq!(q.len(), 2);
    }
}
