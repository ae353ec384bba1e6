"""Sentiment of a free-text comment: a triage aid that a person confirms.

vaderSentiment, chosen by measurement against TextBlob on the project's
labelled set (tests/data/labelled_comments.csv; figures and the command in
docs/sentiment.md and bench/README.md). It runs offline: VADER ships its
lexicon inside the package and needs no corpus download.

Neither library understands review comments well: most plain complaints
("still waiting", "another new worker") score 0 and come out neutral. A
label here never hides a comment, never counts as a measure and is never a
target; it only helps a consultant decide what to read first.
"""

from __future__ import annotations

from functools import cache

# Cut-offs on VADER's compound score, chosen on the labelled set by
# bench/sentiment_accuracy.py: of a grid 0.00-0.50 (step 0.05) for each side,
# the pair with the best macro-F1 (ties: better recall on negatives, then the
# pair nearest 0). Any score below 0 is negative, because missing a complaint
# costs more than reading a neutral comment twice; positive needs 0.25, as
# polite words ("I would like", "kind") lift many complaints a little above 0.
NEGATIVE_BELOW = 0.0
POSITIVE_FROM = 0.25

LABELS = ("negative", "neutral", "positive")


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_sentiment(text: str | None) -> float:
    """VADER's compound score, -1 (most negative) to 1 (most positive); 0 for no words."""
    if text is None:
        return 0.0
    if not isinstance(text, str):
        raise TypeError(f"score_sentiment takes text, not {type(text).__name__}")
    if not text.strip():
        return 0.0
    score = float(_analyzer().polarity_scores(text)["compound"])
    return max(-1.0, min(1.0, score))


def label_of(score: float) -> str:
    """"negative" below NEGATIVE_BELOW, "positive" from POSITIVE_FROM, else "neutral"."""
    if score < NEGATIVE_BELOW:
        return "negative"
    if score >= POSITIVE_FROM:
        return "positive"
    return "neutral"
