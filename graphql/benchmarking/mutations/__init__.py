"""Benchmarking mutations: each declares the permissions it needs (checked by
`graphql.core.mutations.OrganisationMutation` before it runs), fetches the club, calls one
service and returns its payload."""

from .clubs import BenchmarkingClubCreate, BenchmarkingClubUpdate
from .consent import BenchmarkingConsentGive, BenchmarkingConsentWithdraw
from .groups import BenchmarkingComparatorGroupCreate
from .indicators import BenchmarkingClubIndicatorAdd, BenchmarkingClubIndicatorRemove
from .members import BenchmarkingClubMemberAdd, BenchmarkingClubMemberRemove

__all__ = [
    "BenchmarkingClubCreate",
    "BenchmarkingClubIndicatorAdd",
    "BenchmarkingClubIndicatorRemove",
    "BenchmarkingClubMemberAdd",
    "BenchmarkingClubMemberRemove",
    "BenchmarkingClubUpdate",
    "BenchmarkingComparatorGroupCreate",
    "BenchmarkingConsentGive",
    "BenchmarkingConsentWithdraw",
]
