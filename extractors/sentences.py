"""Sentence boundaries that respect the document's blocks.

A heading, a list item or a table row is never glued to the next block into one
"sentence": the parser keeps boundaries that are set before it runs.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from claimtrail.extractors.context import context


@Language.factory("claimtrail_block_sentences")
def make_block_sentences(nlp: Language, name: str) -> Callable[[Doc], Doc]:  # noqa: ARG001 - spaCy's signature
    """Before the parser, which keeps the boundaries it finds set."""
    return block_sentences


def block_sentences(doc: Doc) -> Doc:
    starts = {b.start_char for b in context(doc).blocks}
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.idx in starts or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc
