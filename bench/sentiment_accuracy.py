"""How well TextBlob and vaderSentiment label review comments (issue 10, point 3).

    .venv/bin/python bench/sentiment_accuracy.py

Scores every comment of tests/data/labelled_comments.csv (written for this
project, each with a person's label) with both libraries, offline. For each
library it prints, on the whole set:

- with the library's usual cut-offs (TextBlob: below 0 negative, above 0
  positive; VADER: -0.05 and 0.05, as its authors suggest);
- with the cut-offs chosen on the set: every pair from a grid of 0.00-0.50 in
  steps of 0.05, the pair with the best macro-F1 (ties: the better recall on
  negatives, then the pair nearest 0);
- the same choice judged honestly: 5-fold cross-validation, the cut-offs
  chosen on four fifths and scored on the fifth left out, pooled.

Accuracy, macro-F1 over the three labels, and recall on negatives (the share
of comments a person labelled negative that the library also calls negative:
the ones triage must not miss). tests/unit/test_sentiment.py imports this
file, so the figures recorded in bench/README.md and docs/sentiment.md are
checked on every test run.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED_SET = ROOT / "tests" / "data" / "labelled_comments.csv"
LABELS = ("negative", "neutral", "positive")
# Symmetric grid of cut-off sizes tried for each side.
GRID = tuple(step / 20 for step in range(11))  # 0.00, 0.05 ... 0.50
FOLDS = 5


@dataclass(frozen=True)
class Comment:
    text: str
    label: str
    audience: str


@dataclass(frozen=True)
class Figures:
    accuracy: float
    macro_f1: float
    negative_recall: float


def read_labelled_set(path: Path = LABELLED_SET) -> list[Comment]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [Comment(row["text"], row["label"], row["audience"]) for row in csv.DictReader(handle)]
    wrong = [row for row in rows if row.label not in LABELS]
    if wrong:
        raise ValueError(f"{path.name}: labels must be one of {LABELS}, not {wrong[0].label!r} ({wrong[0].text!r})")
    return rows


def textblob_score(text: str) -> float:
    from textblob import TextBlob

    return float(TextBlob(text).sentiment.polarity)


@cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_score(text: str) -> float:
    return float(_vader().polarity_scores(text)["compound"])


LIBRARIES: dict[str, Callable[[str], float]] = {"TextBlob": textblob_score, "vaderSentiment": vader_score}
USUAL_CUTOFFS = {"TextBlob": (0.0, 0.0), "vaderSentiment": (0.05, 0.05)}


def label(score: float, negative_at: float, positive_at: float) -> str:
    """Negative at or below -negative_at, positive at or above positive_at.

    A cut-off of 0 means strictly below (above) 0, so a score of 0 stays neutral."""
    if score < 0 and score <= -negative_at:
        return "negative"
    if score > 0 and score >= positive_at:
        return "positive"
    return "neutral"


def figures(truth: Sequence[str], predicted: Sequence[str]) -> Figures:
    pairs = list(zip(truth, predicted, strict=True))
    f1s = []
    for name in LABELS:
        hits = sum(1 for true, guess in pairs if true == guess == name)
        guessed = sum(1 for _, guess in pairs if guess == name)
        actual = sum(1 for true, _ in pairs if true == name)
        precision = hits / guessed if guessed else 0.0
        recall = hits / actual if actual else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        if name == "negative":
            negative_recall = recall
    accuracy = sum(1 for true, guess in pairs if true == guess) / len(pairs)
    return Figures(accuracy, sum(f1s) / len(f1s), negative_recall)


def choose_cutoffs(scores: Sequence[float], truth: Sequence[str]) -> tuple[float, float]:
    """The (negative_at, positive_at) pair of the grid with the best macro-F1."""

    def merit(pair: tuple[float, float]) -> tuple[float, float, float]:
        result = figures(truth, [label(score, *pair) for score in scores])
        return (round(result.macro_f1, 9), round(result.negative_recall, 9), -sum(pair))

    return max(((neg, pos) for neg in GRID for pos in GRID), key=merit)


def cross_validated(scores: Sequence[float], truth: Sequence[str], folds: int = FOLDS) -> Figures:
    """Cut-offs chosen without the fold they are scored on (fold = row number mod folds)."""
    predicted: list[str] = [""] * len(scores)
    for fold in range(folds):
        train = [index for index in range(len(scores)) if index % folds != fold]
        cutoffs = choose_cutoffs([scores[i] for i in train], [truth[i] for i in train])
        for index in range(fold, len(scores), folds):
            predicted[index] = label(scores[index], *cutoffs)
    return figures(truth, predicted)


@dataclass(frozen=True)
class Measurement:
    library: str
    usual: Figures
    cutoffs: tuple[float, float]
    chosen: Figures
    cross_validated: Figures


def measure(library: str, comments: Sequence[Comment]) -> Measurement:
    score = LIBRARIES[library]
    scores = [score(comment.text) for comment in comments]
    truth = [comment.label for comment in comments]
    cutoffs = choose_cutoffs(scores, truth)
    return Measurement(
        library=library,
        usual=figures(truth, [label(value, *USUAL_CUTOFFS[library]) for value in scores]),
        cutoffs=cutoffs,
        chosen=figures(truth, [label(value, *cutoffs) for value in scores]),
        cross_validated=cross_validated(scores, truth),
    )


def cutoffs_text(negative_at: float, positive_at: float) -> str:
    negative = "below 0" if negative_at == 0 else f"-{negative_at:.2f} or less"
    positive = "above 0" if positive_at == 0 else f"{positive_at:.2f} or more"
    return f"negative {negative}, positive {positive}"


def table(measurements: Sequence[Measurement]) -> str:
    lines = [
        "| library | cut-offs | accuracy | macro-F1 | recall on negatives |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for item in measurements:
        rows = [
            (f"usual: {cutoffs_text(*USUAL_CUTOFFS[item.library])}", item.usual),
            (f"chosen on the set: {cutoffs_text(*item.cutoffs)}", item.chosen),
            ("chosen, 5-fold cross-validated", item.cross_validated),
        ]
        for name, result in rows:
            lines.append(
                f"| {item.library} | {name} | {result.accuracy:.3f} | {result.macro_f1:.3f} | {result.negative_recall:.3f} |"
            )
    return "\n".join(lines)


def main() -> int:
    comments = read_labelled_set()
    counts = {name: sum(1 for comment in comments if comment.label == name) for name in LABELS}
    print(f"{len(comments)} labelled comments: " + ", ".join(f"{counts[name]} {name}" for name in LABELS))
    print(table([measure(library, comments) for library in LIBRARIES]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
