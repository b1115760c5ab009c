"""Benchmarking clubs: authorities compare the same catalogue indicators with each other.

Values reach a club only through the publication pipeline (`shared_indicators.publication`):
each member consents per indicator, its approved values are published to the store under that
consent, and comparisons read the store, never another organisation's schema.
"""
