"""Benchmarking's part of the GraphQL schema: clubs, comparisons and club administration."""
