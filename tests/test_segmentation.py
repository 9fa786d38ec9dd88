"""Segments as IRaMuTeQ cuts them: rainette's ``split_segments`` cases, and segments from word tokens."""

from __future__ import annotations

import pandas as pd
import pytest

from textmine.errors import TextmineError
from textmine.lexicometry.segmentation import cut_points, gap_weight, segment_tokens, split_words

COOL = "Cool ! Cool cool cool."


@pytest.mark.parametrize(
    ("size", "window", "expected"),
    [
        # rainette tests/testthat/test_split_segments.R, same arguments and results
        (40, None, [COOL]),
        (1, None, ["Cool", "!", "Cool", "cool", "cool."]),
        (1, 1, ["Cool !", "Cool", "cool cool."]),
        (1, 2, ["Cool !", "Cool cool cool."]),
        (2, None, ["Cool !", "Cool cool", "cool."]),
        (2, 2, ["Cool !", "Cool cool cool."]),
        (3, None, ["Cool !", "Cool cool cool."]),
        (3, 2, [COOL]),
        (3, 3, [COOL]),
    ],
)
def test_rainette_split_segments_cases(size: int, window: int | None, expected: list[str]) -> None:
    assert split_words(COOL, size, window) == expected


def test_short_texts_stay_whole() -> None:
    assert split_words("One more test.") == ["One more test."]
    text = ("J'apprends des techniques d'écriture. Cela me permet d'écrire autre choses que des lettres ou un récit "
            "de ma vie/journal_intime. Cela donne des idées pour écrire des fictions, sortir de son quotidien. "
            "J'aime bien l'effort intellectuel que cela demande. C'est un rendez-vous apaisant.")
    assert split_words(text) == [text]
    assert cut_points([]) == []


def test_long_text_cuts_at_strongest_punctuation_near_target() -> None:
    words = ["mot"] * 38 + ["fin."] + ["mot"] * 3 + ["virgule,"] + ["mot"] * 60
    segments = split_words(" ".join(words), 40)
    assert segments[0].endswith("fin.")
    assert len(segments[0].split()) == 39
    assert " ".join(segments) == " ".join(words)
    assert all(len(s.split()) <= 56 for s in segments)


def test_gap_weight_and_bad_sizes() -> None:
    assert gap_weight(" ; ") == 4 and gap_weight(" … ") == 6 and gap_weight(", ") == 1 and gap_weight(" ") == 0.01
    with pytest.raises(TextmineError, match="au moins un mot"):
        cut_points([1.0], segment_size=0)


def test_segments_from_tokens_follow_sentences_and_documents() -> None:
    texts = {1: "Un deux trois. Quatre cinq six sept : huit neuf", 2: "Dix onze"}
    rows = []
    for doc, text in texts.items():
        sentence, position = 1, 0
        for word in text.replace(".", " .").replace(":", " :").split():
            start = text.index(word, position)
            position = start + len(word)
            if word in ".:":
                sentence += word == "."
                continue
            rows.append((doc, sentence, start, position, word.lower(), word.lower(), "NOUN"))
    tokens = pd.DataFrame(rows, columns=["document_id", "sentence", "start", "end", "form", "lemma", "pos"])
    cut = segment_tokens(tokens, texts, segment_size=3, window=2)
    seg = cut.segments
    assert list(seg["document_id"]) == [1, 1, 1, 2]
    # the first segment ends at the full stop, which it keeps
    assert texts[1][seg.start[0] : seg.end[0]] == "Un deux trois."
    assert texts[1][seg.start[1] : seg.end[1]] == "Quatre cinq six sept :"
    assert list(seg["words"]) == [3, 4, 2, 2]
    assert cut.token_segment.tolist() == [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3]
