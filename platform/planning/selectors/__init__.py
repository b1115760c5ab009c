"""Reads of the golden thread for pages, the REST API and the digest. Each selector runs a
fixed number of queries whatever the amount of data (lists are fetched with their related rows
in one go and derived values computed in Python with the pure domain functions)."""
