"""The clause a count sits in, read from the dependency parse: who acts, which clauses
govern it, and how sure the text is of it.

A count's verb often has no subject of its own, so the doer is looked for where English
puts it:

- the subject or the passive ``by`` agent ("five soldiers were killed by al-Shabaab");
- shared with the verb it is coordinated with ("forces conducted 5 strikes and
  destroyed 3 tanks"), the verb that controls it ("reported expelling", "is believed
  to have killed") or the clause it is a participle of ("..., killing 22 people");
- a relative pronoun stands for the noun it modifies, and that noun for the name it is
  in apposition with ("ISKP, the group that killed 140 people");
- "it", "they" and "the group" stand for the doer of the clause reporting them ("the
  ministry announced that it had arrested 27") or the only actor named just before;
- failing all of these, the source: "according to X" or "X said" reporting the clause.

Cue words for modality live in ``data/modality.csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

DATA = Path(__file__).parent / "data"
VERBS = {"VERB", "AUX"}
RELATIVE = {"who", "which", "that", "whom"}
PRONOUNS = {"it", "they", "he", "she"}
POSSESSIVES = {"its", "their"}  # "its fighters": the doer is whoever "its" stands for
DEMONSTRATIVES = {"the", "that", "this"}
ANAPHORS = {"group", "organization", "organisation", "movement", "network", "affiliate", "branch", "militants"}
SHARES_SUBJECT = {"conj", "xcomp", "advcl", "acl"}  # a verb with no subject of its own borrows its head's
REACH = 8  # "resulting in the deaths of 350 civilians and the displacement of 60,000 people"
REPORTED_CLAUSE = {"ccomp", "parataxis", "xcomp", "conj"}  # links from a reported clause up to its verb


@lru_cache(maxsize=1)
def cues() -> dict[str, set[str]]:
    """Modality cue words by kind: aux and mark (hypothetical); adverb, source, verb (reported)."""
    with (DATA / "modality.csv").open(encoding="utf-8", newline="") as f:
        table: dict[str, set[str]] = {}
        for row in csv.DictReader(f):
            table.setdefault(row["kind"], set()).add(row["word"])
        return table


def governing_verb(token: Token) -> Token | None:
    """The first verb above ``token`` in the parse, within a few steps."""
    for _ in range(REACH):
        if token.pos_ in VERBS and token.dep_ != "amod":
            return token
        if token.head == token:
            return None
        token = token.head
    return None


def clause_of(token: Token) -> Token | None:
    """The verb heading the clause ``token`` belongs to, however deep it sits."""
    for ancestor in (token, *token.ancestors):
        if ancestor.pos_ in VERBS and ancestor.dep_ not in {"amod", "aux", "auxpass", "prep"}:  # "According"
            return ancestor
    return None


def event_clause(token: Token) -> Token | None:
    """The clause whose event ``token`` describes: a participle or infinitive without a
    subject of its own belongs to the clause above it ("a memorial built in 2026 lists
    2,000 names", "deployed 10,000 troops to help expel them in 2025")."""
    clause = clause_of(token)
    while clause is not None and clause.dep_ in {"acl", "xcomp", "advcl"} and own_subject(clause) is None:
        clause = clause_of(clause.head)
    return clause


def own_subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"}), None)


def governing_clauses(verb: Token | None) -> Iterator[Token]:
    """The count's verb, then each verb whose clause contains it, up to the sentence's root;
    a coordinated verb with a subject of its own starts a new statement and stops the walk."""
    while verb is not None:
        yield verb
        if verb.dep_ == "conj" and own_subject(verb) is not None or verb.head == verb:
            return
        verb = clause_of(verb.head)


def agent(verb: Token) -> Token | None:
    """The doer named in ``verb``'s own clause: the active subject or the ``by`` agent; of
    two subjects the one nearer the verb, since a dateline ("BAGHDAD, Iraq - Coalition
    forces conducted ...") is parsed as a second one."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    return min(subjects, key=lambda c: abs(c.i - verb.i), default=None)


def doer(verb: Token | None) -> Token | None:
    """The doer of ``verb``, borrowed from the verbs it shares its subject with."""
    while verb is not None:
        found = agent(verb)
        if found is not None:
            return antecedent(found)
        controller = verb.dep_ == "xcomp" and next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)
        if controller:
            return antecedent(controller)  # "X is believed to have killed 50"
        small_clause = verb.dep_ in {"ccomp", "oprd"} and verb.tag_ == "VBN"  # "..., leaving 150 wounded"
        if own_subject(verb) is not None or verb.dep_ not in SHARES_SUBJECT and not small_clause or verb.head.pos_ not in VERBS:
            return None
        verb = verb.head
    return None


def antecedent(token: Token) -> Token:
    """What a relative pronoun stands for: "bombers who killed" -> bombers (their name, if in apposition)."""
    if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
        token = token.head.head
        if token.dep_ == "appos":
            token = token.head
    return token


def actor_in(token: Token, actors: list[Span]) -> str | None:
    """The actor a noun phrase names: the one it is headed by ("ISKP's media foundation"),
    else the first inside it ("gunmen linked to ISKP")."""
    for span in actors:
        # A head name cut short by the NER ("Internet [Referral Unit]") does not outrank its possessor.
        if span.start <= token.i < span.end and not any(
            c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < span.start for c in token.lefts
        ):
            return span._.norm
    inside = {t.i for t in token.subtree}
    return next((s._.norm for s in actors if s.start in inside), None)


def is_anaphor(token: Token) -> bool:
    """"it", "the group", "that group", "its fighters"; not "the two groups", which stands for several."""
    children = [c.lower_ for c in token.children]
    return token.lower_ in PRONOUNS or bool(POSSESSIVES & set(children)) or token.lemma_.lower() in ANAPHORS and bool(DEMONSTRATIVES & set(children)) and not any(
        c.like_num for c in token.children
    )


def reporter(verb: Token | None) -> Token | None:
    """The verb whose complement the count's clause is: "X said (that) ...", "..., the army
    said", "is said to"; not a verb the clause merely modifies ("claimed an attack that killed")."""
    clauses = list(governing_clauses(verb))
    for lower, upper in zip(clauses, clauses[1:]):
        if lower.dep_ not in REPORTED_CLAUSE:
            return None
        if upper.lemma_.lower() in cues()["verb"]:
            return upper
    return None


def source_ids(sent: Span) -> set[int]:
    """Tokens of the "according to X" phrases of the sentence."""
    return {t.i for token in sent if token.lower_ in cues()["source"] for t in token.subtree}


def source(verb: Token | None, sent: Span, actors: list[Span]) -> str | None:
    """Who the sentence says reported the clause: "according to X", else "X said"."""
    for token in sent:
        if token.lower_ in cues()["source"]:
            for to in token.children:
                objects = [t for t in to.children if t.dep_ == "pobj"]
                if objects:
                    return actor_in(objects[0], actors)
    said = reporter(verb)
    teller = agent(said) if said is not None else None
    return actor_in(teller, actors) if teller is not None else None


def previous_actor(doc: Doc, before: int, actors: list[Span]) -> str | None:
    """The actor "the group" stands for: the only one named in this or the last sentence."""
    sentence = doc[before].sent
    earlier = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    names = {a._.norm for a in actors if earlier <= a.start < before}
    return names.pop() if len(names) == 1 else None


def clause_actor(verb: Token | None, actors: list[Span]) -> str | None:
    """The doer of the clause, with pronouns resolved; None when the clause names none."""
    who = doer(verb)
    if who is None:
        return None
    if is_anaphor(who):
        said = reporter(verb)
        teller = agent(said) if said is not None else None
        if teller is not None and not is_anaphor(teller) and teller.i < who.i:
            return actor_in(teller, actors)  # "the ministry announced that it had arrested 27"
        return previous_actor(who.doc, who.i, actors)
    named = actor_in(who, actors)
    if named is None or bare_body(who, actors):  # "the Army" is the full name given earlier, if one
        earlier = names_before(who, actors) - {named}
        if earlier:
            return earlier.pop() if len(earlier) == 1 else None
    return named


def bare_body(token: Token, actors: list[Span]) -> bool:
    """``token`` is an actor by its word alone ("the Army", "the Navy")."""
    return any(s.start == token.i and s.end == token.i + 1 and s._.norm == token.text for s in actors)


def names_before(noun: Token, actors: list[Span]) -> set[str]:
    """The actors a common noun may stand for, named in full earlier in the document:
    "the coalition" or "coalition aircraft" after "Coalition military forces", "the Army"
    after "U.S. Army". The noun (with "the") or a noun qualifying it must be a capitalised
    head word or qualifier of the earlier name; one actor resolves it, several leave it open."""
    words = {c.lower_ for c in noun.lefts if c.dep_ in {"compound", "nmod"} and c.pos_ in {"NOUN", "PROPN"}}
    if any(c.lower_ == "the" for c in noun.lefts):
        words.add(noun.lower_)
    return {a._.norm for a in actors if a.end <= noun.i and words & name_words(a)}


def name_words(name: Span) -> set[str]:
    """A name's capitalised head and its qualifiers: "Coalition" of "Coalition military forces"."""
    root = name.root
    heads = [root, *(c for c in root.lefts if c.dep_ in {"compound", "nmod", "amod"} and c.i >= name.start)]
    return {t.lower_ for t in heads if t.is_title and t.is_alpha}


def modifier_actor(noun: Token | None, actors: list[Span]) -> str | None:
    """An actor qualifying the counted noun: "ISKP plots", "the group's fighters"."""
    if noun is None:
        return None
    modifiers = {i for c in noun.lefts if c.dep_ in {"compound", "poss", "amod", "nmod"} for i in (t.i for t in c.subtree)}
    return next((s._.norm for s in actors if s.start in modifiers), None)


def modality(verb: Token | None, sent: Span) -> str:
    """negated > hypothetical > reported > asserted, from the count's clause and the verbs above it."""
    if verb is None:
        return "asserted"
    table = cues()
    if any(c.dep_ == "neg" for c in verb.children):
        return "negated"
    if any(c.lower_ in table["aux"] for c in verb.children) or any(
        c.dep_ == "mark" and c.lower_ in table["mark"] for c in verb.subtree
    ):
        return "hypothetical"
    if any(c.lower_ in table["adverb"] for v in governing_clauses(verb) for c in v.children) or any(
        t.lower_ in table["source"] for t in sent
    ):
        return "reported"
    return "reported" if reporter(verb) is not None else "asserted"
