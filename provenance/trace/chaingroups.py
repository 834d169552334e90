"""Sibling groups: make a big cluster's chain graph readable.

A wire story carried by 198 outlets draws as 198 boxes under one parent. Most
of them are leaves that took the same parent the same way (say verbatim), so
the graph groups the leaves that share a parent and a relation into one node,
"142 verbatim copies, 97 uncredited"; the dashboard can expand a group back
into its members, the report lists them in its member table. Articles with
children of their own are never grouped, so every edge of the chain stays drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Credit statuses counted as "uncredited" in a group's label.
UNCREDITED = ("uncredited", "miscredited")


@dataclass(frozen=True)
class SiblingGroup:
    """Leaves with the same parent and relation."""

    parent: str
    relation: str | None
    members: tuple[str, ...]
    uncredited: int

    @property
    def key(self) -> str:
        """A stable id for the group's node (parent and relation are data: callers escape it)."""
        return f"g:{self.parent}|{self.relation or ''}"

    def label(self) -> str:
        rel = (self.relation or "unclassified").replace("_", " ")
        s = f"{len(self.members)} {rel} copies"
        return s + (f", {self.uncredited} uncredited" if self.uncredited else "")

    @property
    def credit(self) -> str | None:
        """``credited`` when none is uncredited, ``uncredited`` when all are, else None (mixed)."""
        if self.uncredited == 0:
            return "credited"
        return "uncredited" if self.uncredited == len(self.members) else None


def sibling_groups(rows: Iterable[tuple[str, str | None, str | None, str | None]], *, min_size: int = 3
                   ) -> list[SiblingGroup]:
    """Groups of at least ``min_size`` leaves, from ``(article_id, parent_key, relation, credited)`` rows.

    ``parent_key`` is whatever the caller's graph uses for the parent node
    (an article or an external source), None for a root. Largest group first.
    """
    rows = list(rows)
    parents = {p for _, p, _, _ in rows if p is not None}
    by: dict[tuple[str, str | None], list[tuple[str, str | None]]] = {}
    for aid, parent, relation, credited in rows:
        if parent is None or aid in parents:
            continue
        by.setdefault((parent, relation), []).append((aid, credited))
    groups = [
        SiblingGroup(parent=p, relation=r, members=tuple(a for a, _ in kids),
                     uncredited=sum(1 for _, c in kids if c in UNCREDITED))
        for (p, r), kids in by.items() if len(kids) >= min_size
    ]
    return sorted(groups, key=lambda g: (-len(g.members), g.parent, g.relation or ""))
