"""Similar cases: TF-IDF over each case's words plus shared themes, top-k per case,
each neighbour with its reasons (the themes and the words both cases share).

Plain typed Python (NumPy, SciPy's sparse matrices); no Django. The words are read
with the finder's text pipeline (``engines.search.text``: folding, stop words,
Snowball stems, CJK bigrams), so "literacy" and "Literacies" count as one term and
a case in Chinese is compared by its character pairs."""

from .similar import Case, Neighbour, similar_cases

__all__ = ["Case", "Neighbour", "similar_cases"]
