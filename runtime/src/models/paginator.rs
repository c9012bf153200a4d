//! Django's `Paginator`: a queryset split into pages, each read with one COUNT and one
//! SELECT of its slice, however long the list.

use std::ops::RangeInclusive;

use super::Model;
use super::query::{QuerySet, Result};

/// Pages of `per_page` rows of a queryset (give it an order: pages of an unordered queryset
/// may overlap, as Django warns).
pub struct Paginator<M> {
    queryset: QuerySet<M>,
    per_page: u64,
    orphans: u64,
    allow_empty_first_page: bool,
}

/// Why `page()` has no such page: Django's `PageNotAnInteger` and `EmptyPage`.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("That page number is not an integer")]
    NotAnInteger,
    #[error("That page number is less than 1")]
    LessThanOne,
    #[error("That page contains no results")]
    Empty,
    #[error(transparent)]
    Query(#[from] super::QueryError),
}

/// One page: its rows and where it stands among the others.
#[derive(Debug, Clone)]
pub struct Page<M> {
    pub object_list: Vec<M>,
    /// 1-based.
    pub number: u64,
    pub num_pages: u64,
    /// Rows in the whole list.
    pub count: u64,
    per_page: u64,
}

impl<M: Model> Paginator<M> {
    pub fn new(queryset: QuerySet<M>, per_page: u64) -> Self {
        Paginator {
            queryset,
            per_page: per_page.max(1),
            orphans: 0,
            allow_empty_first_page: true,
        }
    }

    /// A last page with this many rows or fewer joins the page before it.
    pub fn orphans(mut self, orphans: u64) -> Self {
        self.orphans = orphans;
        self
    }

    /// Whether an empty list has a page 1 (true, as in Django).
    pub fn allow_empty_first_page(mut self, allow: bool) -> Self {
        self.allow_empty_first_page = allow;
        self
    }

    fn num_pages(&self, count: u64) -> u64 {
        if count == 0 && !self.allow_empty_first_page {
            return 0;
        }
        let hits = count.saturating_sub(self.orphans).max(1);
        hits.div_ceil(self.per_page)
    }

    /// Page `number` (1-based), or why there is none (Django's `page()`).
    pub async fn page(&self, number: u64) -> std::result::Result<Page<M>, PageError> {
        if number < 1 {
            return Err(PageError::LessThanOne);
        }
        let count = self.queryset.count().await?;
        let num_pages = self.num_pages(count);
        if number > num_pages && !(number == 1 && self.allow_empty_first_page) {
            return Err(PageError::Empty);
        }
        Ok(self.read(number, count, num_pages).await?)
    }

    /// The page a request asked for, as Django's `get_page` reads it: a number that is not
    /// one gives page 1, one past the end gives the last page.
    pub async fn get_page(&self, number: Option<&str>) -> Result<Page<M>> {
        let count = self.queryset.count().await?;
        let num_pages = self.num_pages(count);
        let number = match number.map(|n| n.trim().parse::<u64>()) {
            Some(Ok(n)) if n >= 1 => n.min(num_pages.max(1)),
            Some(Ok(_)) => num_pages.max(1),
            _ => 1,
        };
        self.read(number, count, num_pages).await
    }

    async fn read(&self, number: u64, count: u64, num_pages: u64) -> Result<Page<M>> {
        let bottom = (number - 1) * self.per_page;
        let mut top = bottom + self.per_page;
        if top + self.orphans >= count {
            top = count;
        }
        let object_list = if top > bottom {
            self.queryset.clone().slice(bottom..top).all().await?
        } else {
            Vec::new()
        };
        Ok(Page {
            object_list,
            number,
            num_pages,
            count,
            per_page: self.per_page,
        })
    }
}

impl<M> Page<M> {
    pub fn has_next(&self) -> bool {
        self.number < self.num_pages
    }

    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    pub fn has_other_pages(&self) -> bool {
        self.has_next() || self.has_previous()
    }

    pub fn next_page_number(&self) -> u64 {
        self.number + 1
    }

    pub fn previous_page_number(&self) -> u64 {
        self.number - 1
    }

    /// Every page number, 1 to the last (Django's `paginator.page_range`).
    pub fn page_range(&self) -> RangeInclusive<u64> {
        1..=self.num_pages.max(1)
    }

    /// The 1-based index of the page's first row in the whole list (0 for an empty list).
    pub fn start_index(&self) -> u64 {
        if self.count == 0 {
            0
        } else {
            self.per_page * (self.number - 1) + 1
        }
    }

    /// The 1-based index of the page's last row.
    pub fn end_index(&self) -> u64 {
        if self.number == self.num_pages {
            self.count
        } else {
            self.number * self.per_page
        }
    }
}
