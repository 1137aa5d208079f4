"""Word-level differences between a provision's text in force and a proposal's text, for
the side-by-side view of a provision."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Piece:
    """A run of words that the proposal keeps, adds or removes."""

    kind: str
    text: str


def word_diff(baseline: str, proposed: str) -> list[Piece]:
    """The pieces that turn `baseline` into `proposed`, word by word.

    Words are compared as written; runs of whitespace count as one space, since the same
    provision is laid out differently in every document that quotes it.
    """
    old, new = baseline.split(), proposed.split()
    # autojunk would treat frequent words ("the", "of") as noise and produce a diff that
    # rewrites whole sentences; treaty text is short enough to compare exactly.
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    pieces: list[Piece] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece(SAME, " ".join(old[old_start:old_end])))
            continue
        if old_end > old_start:
            pieces.append(Piece(REMOVED, " ".join(old[old_start:old_end])))
        if new_end > new_start:
            pieces.append(Piece(ADDED, " ".join(new[new_start:new_end])))
    return pieces


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words the proposal adds and removes."""
    added = sum(len(piece.text.split()) for piece in pieces if piece.kind == ADDED)
    removed = sum(len(piece.text.split()) for piece in pieces if piece.kind == REMOVED)
    return added, removed
