"""The publication pipeline: the only way data crosses from one organisation to another.

Approved values are copied from a member's schema into the public-schema store
(`PublishedValue`) while some basis (an active data-sharing agreement version or a benchmarking
club consent) covers them; readers see them only through a `PublicationGrant` for a basis they
may use. See "How data crosses" in the architecture notes.
"""
