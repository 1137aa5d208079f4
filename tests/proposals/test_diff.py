from proposals.diff import ADDED, REMOVED, SAME, Piece, changed_words, word_diff


def test_marks_words_added_and_removed_and_keeps_the_rest():
    pieces = word_diff("Administrations shall cooperate.", "Member States shall cooperate fully.")
    assert pieces == [
        Piece(REMOVED, "Administrations"),
        Piece(ADDED, "Member States"),
        Piece(SAME, " shall cooperate"),
        Piece(ADDED, " fully"),
        Piece(SAME, "."),
    ]
    assert changed_words(pieces) == (3, 1)


def test_punctuation_is_its_own_token():
    pieces = word_diff("facilities exist.", "facilities exist, and more.")
    assert [piece.kind for piece in pieces] == [SAME, ADDED, SAME]
    assert pieces[1].text == ", and more"


def test_layout_differences_are_not_changes():
    assert word_diff("a  b\n\tc", "a b c") == [Piece(SAME, "a b c")]


def test_against_no_baseline_everything_is_new():
    assert word_diff("", "New text.") == [Piece(ADDED, "New text.")]
    assert word_diff("Old text.", "") == [Piece(REMOVED, "Old text.")]


def test_common_words_are_not_treated_as_noise():
    baseline = " ".join(["the"] * 300 + ["end"])
    pieces = word_diff(baseline, baseline + " more")
    assert [piece.kind for piece in pieces] == [SAME, ADDED]
