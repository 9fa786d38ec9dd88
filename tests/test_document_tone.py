"""Each text is read once: a document's vector and tone come from its segments'."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import TEXTS, write_csv

from textmine.analysis.segments import Segment
from textmine.ingest import ingest
from textmine.pipeline import document_vectors
from textmine.sentiment.base import conclusion_weights
from textmine.sentiment.corpus import store_document_tones
from textmine.workspace import Workspace


def test_conclusion_weights_rise_from_one_to_two_times_the_length() -> None:
    assert conclusion_weights([10, 10, 10]) == [10.0, 15.0, 20.0]
    assert conclusion_weights([4, 8]) == [4.0, 16.0]
    assert conclusion_weights([7]) == [7.0]


def test_document_vector_is_the_length_weighted_mean_of_its_segments() -> None:
    segments = [Segment(1, 0, 30, "", ""), Segment(1, 30, 40, "", ""), Segment(2, 0, 50, "", "")]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    found = document_vectors(segments, vectors)
    assert set(found) == {1}  # a single-segment document is its segment
    expected = np.array([30.0, 10.0]) / np.linalg.norm([30.0, 10.0])
    assert np.allclose(found[1], expected, atol=1e-6)


@pytest.fixture
def store(workspace: Workspace, tmp_path):
    store = workspace.open_store()
    ingest(store, [write_csv(tmp_path / "r.csv")], "r", id_column="id")
    return store


def test_document_tone_gathers_its_segments_with_more_weight_at_the_end(store) -> None:
    texts = store.document_texts("r")
    doc = next(d for d, t in texts.items() if t == TEXTS[1])
    middle = len(TEXTS[1]) // 2
    store.save_sentiments("essai", [
        (doc, 0, middle, "negatif", -0.6, 0.8, {"colère": ["rage"]}, "lourd", ""),
        (doc, middle, len(TEXTS[1]), "positif", 0.5, 0.6, {"colère": ["rage", "fureur"], "joie": ["ravi"]},
         "cœur", "autre_langue"),
    ])
    store_document_tones(store, "r", "essai", [(doc, 0, middle), (doc, middle, len(TEXTS[1]))])
    row = store.sentiment_rows("r", "essai")[(doc, 0, len(TEXTS[1]))]
    first, second = conclusion_weights([middle, len(TEXTS[1]) - middle])
    assert second > first
    assert row["label"] == "positif"  # the closing half weighs more
    assert row["score"] == pytest.approx(round((-0.6 * first + 0.5 * second) / (first + second), 3))
    assert row["emotions"] == {"colère": ["rage", "fureur"], "joie": ["ravi"]}
    assert row["triggers"] == "lourd cœur" and row["flags"] == "autre_langue"


def test_a_document_already_scored_whole_is_left_as_it_is(store) -> None:
    texts = store.document_texts("r")
    doc, text = next(iter(texts.items()))
    store.save_sentiments("essai", [(doc, 0, len(text), "neutre", 0.0, 0.5, {}, "", ""),
                                    (doc, 0, 5, "positif", 0.9, 0.9, {}, "", "")])
    store_document_tones(store, "r", "essai", [(doc, 0, 5), (doc, 0, len(text))])
    assert store.sentiment_rows("r", "essai")[(doc, 0, len(text))]["label"] == "neutre"


def test_a_long_text_is_read_segment_by_segment_with_its_end_weighing_more() -> None:
    from textmine.sentiment import LONG_TEXT_WORDS, read_tone
    from textmine.sentiment.base import gather
    from textmine.sentiment.lexicon import LexiconBackend

    gloomy = ("Au début, tout était pénible et décourageant : les dossiers s'entassaient, les délais "
              "étaient intenables, l'équipe était épuisée et personne ne nous écoutait jamais. ")
    bright = ("À la fin, la direction a enfin recruté, l'ambiance est redevenue excellente et nous sommes "
              "fiers du travail accompli, vraiment heureux de retrouver du sens. ")
    text = gloomy * 7 + bright * 7
    assert len(text.split()) > LONG_TEXT_WORDS
    backend = LexiconBackend()
    [tone] = read_tone([text], backend)
    assert tone.polarity.label == "positif"  # the closing half weighs more
    assert tone.polarity.score != backend.predict([text])[0].score  # read in segments, not whole
    shorter = gloomy * 2 + bright * 2  # under LONG_TEXT_WORDS: read whole
    [alone] = read_tone([shorter], backend)
    assert alone.polarity == backend.predict([shorter])[0]
    parts = backend.predict([gloomy.strip(), bright.strip()])
    assert gather(parts, [10, 10]).score > (parts[0].score + parts[1].score) / 2
