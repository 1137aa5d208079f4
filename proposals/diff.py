"""Word-level differences between a provision's text in force and a proposal's text, for
the side-by-side view of a provision."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

SAME, ADDED, REMOVED = "same", "added", "removed"
# A word (letters, digits, inner apostrophes and hyphens) or a run of punctuation, with
# the whitespace before it: "exist." and "exist to" then share the word "exist".
TOKEN = re.compile(r"(\s*)(\w[\w'’-]*|[^\w\s]+)")


@dataclass(frozen=True)
class Piece:
    """A run of text that the proposal keeps, adds or removes, with its own spacing."""

    kind: str
    text: str


def tokens(text: str) -> list[tuple[str, str]]:
    """(space before, token) pairs; runs of whitespace count as one space, since the same
    provision is laid out differently in every document that quotes it."""
    return [(" " if space else "", token) for space, token in TOKEN.findall(text)]


def word_diff(baseline: str, proposed: str) -> list[Piece]:
    """The pieces that turn `baseline` into `proposed`, word by word."""
    old, new = tokens(baseline), tokens(proposed)
    # autojunk would treat frequent words ("the", "of") as noise and produce a diff that
    # rewrites whole sentences; treaty text is short enough to compare exactly.
    matcher = difflib.SequenceMatcher(
        a=[token for _, token in old], b=[token for _, token in new], autojunk=False
    )
    pieces: list[Piece] = []

    def add(kind: str, run: list[tuple[str, str]]) -> None:
        if not run:
            return
        text = "".join(space + token for space, token in run)
        if not pieces:
            text = text.lstrip()
        pieces.append(Piece(kind, text))

    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            add(SAME, new[new_start:new_end])
        else:
            add(REMOVED, old[old_start:old_end])
            add(ADDED, new[new_start:new_end])
    return pieces


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words the proposal adds and removes."""

    def words(kind: str) -> int:
        return sum(
            1
            for piece in pieces
            if piece.kind == kind
            for _, token in tokens(piece.text)
            if token[0].isalnum()
        )

    return words(ADDED), words(REMOVED)
