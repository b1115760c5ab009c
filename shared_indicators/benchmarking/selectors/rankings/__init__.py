"""The ranking table: each club indicator's league table per period, kept up to date when its
data change (`refresh`) and read a page at a time (`read`). Models in `models`."""
