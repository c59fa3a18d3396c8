"""What a person needs to judge the claims: a seeded random sample of claims with their
quotes, and how many claims carry an actor, a country and a period, by document type.

A precision figure is only as good as the sample it comes from: the sample is drawn
with a seed, so two people (or a person and a later run) judge the same claims.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import Engine, case, func, select

from claimtrail.db.models import ClaimRow, DocumentRow
from claimtrail.db.store import _database_errors


@dataclass(frozen=True, slots=True)
class AuditClaim:
    claim_id: int
    doc_uri: str
    media_type: str | None
    qualifier: str | None
    value: float
    unit: str | None
    actor: str | None
    action: str | None
    country: str | None
    date_start: str | None
    date_end: str | None
    modality: str | None
    quote: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Of ``claims`` claims from ``documents`` documents of ``media_type``, how many have each attribute."""

    media_type: str
    documents: int
    claims: int
    with_actor: int
    with_country: int
    with_period: int

    def share(self, count: int) -> float:
        return count / self.claims if self.claims else 0.0


@_database_errors
def sample_claims(engine: Engine, size: int, seed: int = 0) -> list[AuditClaim]:
    """``size`` claims drawn at random with ``seed`` (all of them when there are fewer)."""
    with engine.connect() as conn:
        ids = list(conn.execute(select(ClaimRow.id).order_by(ClaimRow.id)).scalars())
        chosen = sorted(random.Random(seed).sample(ids, min(size, len(ids))))
        if not chosen:
            return []
        rows = conn.execute(
            select(ClaimRow.id, DocumentRow.uri, DocumentRow.media_type, ClaimRow.qualifier, ClaimRow.value,
                   ClaimRow.unit, ClaimRow.actor, ClaimRow.action, ClaimRow.country, ClaimRow.date_start,
                   ClaimRow.date_end, ClaimRow.modality, ClaimRow.quote)
            .join(DocumentRow, DocumentRow.id == ClaimRow.doc_id)
            .where(ClaimRow.id.in_(chosen)).order_by(ClaimRow.id)
        ).all()
    return [AuditClaim(*row) for row in rows]


@_database_errors
def coverage(engine: Engine) -> list[Coverage]:
    """Attribute coverage per media type, then for all claims (media type ``all``)."""

    def filled(column: object) -> object:
        return func.sum(case((column.is_not(None), 1), else_=0))  # type: ignore[attr-defined]

    columns = (func.count(func.distinct(ClaimRow.doc_id)), func.count(ClaimRow.id), filled(ClaimRow.actor),
               filled(ClaimRow.country), filled(ClaimRow.date_start))
    query = select(*columns).join(DocumentRow, DocumentRow.id == ClaimRow.doc_id)
    with engine.connect() as conn:
        per_type = conn.execute(query.add_columns(DocumentRow.media_type).group_by(DocumentRow.media_type)
                                .order_by(DocumentRow.media_type)).all()
        total = conn.execute(query).one()
    result = [Coverage(media or "unknown", *(int(v or 0) for v in counts)) for *counts, media in per_type]
    return [*result, Coverage("all", *(int(v or 0) for v in total))]
