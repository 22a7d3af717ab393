"""Symbiosis matchmaking: candidate partners, their reasons and estimated impact, from declared
flows and from the knowledge base of recovery routes (``ecodistrict.matching.knowledge``)."""

from ecodistrict.matching.engine import MatchingOptions
from ecodistrict.matching.knowledge import (
    EmissionFactor,
    KnowledgeBaseError,
    RecoveryRoute,
    load_emission_factors,
    load_recovery_routes,
)
from ecodistrict.matching.results import Impact, Match, MatchResults, match_district

__all__ = [
    "EmissionFactor",
    "Impact",
    "KnowledgeBaseError",
    "Match",
    "MatchResults",
    "MatchingOptions",
    "RecoveryRoute",
    "load_emission_factors",
    "load_recovery_routes",
    "match_district",
]
