"""Benchmarking mutations: thin wrappers that call one service each."""

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
