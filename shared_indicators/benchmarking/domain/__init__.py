"""Pure benchmarking rules: like-with-like alignment, ranks and quartiles, anonymous labels,
comparator groups and the disclosure rules of a comparison. No ORM, no settings, no clock."""
