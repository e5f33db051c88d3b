"""Comparisons of record pairs: the comparison library (`library`), the pairs' values as codes (`pairs`) and
string similarity on codes (`strings`)."""

from dedupe.comparisons.library import (
    LIBRARY, METHODS, MISSING_LEVEL, Comparison, make_comparison,
)
from dedupe.comparisons.pairs import Encoded, PairValues, encode
from dedupe.comparisons.strings import MISSING, Vocabulary, code_similarity, similarity

__all__ = ["LIBRARY", "METHODS", "MISSING", "MISSING_LEVEL", "Comparison", "Encoded", "PairValues", "Vocabulary",
           "code_similarity", "encode", "make_comparison", "similarity"]
