"""The proposal parser, on strings shaped like real ITU documents (see the issue's
conventions and proposals/data/demo/demo.json for the real numbers used)."""

import pytest

from proposals.ingest.parse import parse_table, parse_text

PARAGUAY = """\
Document 29-E
Paraguay
PROPOSALS FOR THE WORK OF THE CONFERENCE

MOD\tPRG/29/1
5\t1.3\tThese Regulations are established with a view to facilitating global \
interconnection and interoperability of telecommunication networks.

Reasons:\tChanging the term "facilities" to "networks" is proposed in the interests of \
greater precision.

MOD\tPRG/29/2
6\t1.4\tReference to ITU-T Recommendations.

Reasons:\tConsistency.
"""


def test_reads_number_provision_text_and_reasons():
    first, second = parse_text([PARAGUAY])
    assert (first.action, first.number, first.prefix) == ("MOD", "PRG/29/1", "PRG")
    assert (first.margin_number, first.provision) == ("5", "1.3")
    assert first.text.startswith("These Regulations are established")
    assert first.reasons.startswith('Changing the term "facilities"')
    assert first.confidence == 1.0 and not first.needs_review
    assert (second.number, second.provision, second.reasons) == ("PRG/29/2", "1.4", "Consistency.")


@pytest.mark.parametrize("action", ["ADD", "ADD*", "MOD", "(MOD)", "SUP", "SUP*", "NOC"])
def test_reads_every_action_symbol(action):
    (proposal,) = parse_text([f"{action}\tRUS/27/3\n7\t2.2\tSome text.\n\nReasons: Why.\n"])
    assert proposal.action == action
    assert proposal.number == "RUS/27/3"


@pytest.mark.parametrize(
    ("written", "number", "addendum", "revision"),
    [
        ("ACP/67A1/1", "ACP/67A1/1", 1, None),
        ("EUR/10A25/2", "EUR/10A25/2", 25, None),
        ("RUS/27R1/7", "RUS/27R1/7", None, 1),
        ("AFCP/12A3R2/4", "AFCP/12A3R2/4", 3, 2),
        ("G/5/1", "G/5/1", None, None),
    ],
)
def test_reads_numbers_with_addenda_and_revisions(written, number, addendum, revision):
    (proposal,) = parse_text([f"ADD {written}\n1.1 Text.\nReasons: R.\n"])
    assert (proposal.number, proposal.addendum, proposal.revision) == (number, addendum, revision)


def test_tabs_and_non_breaking_spaces_are_spaces():
    text = (
        "MOD\u00a0\u00a0PRG/29/1\n5\u00a01.3\u00a0\u00a0These Regulations.\n\n"
        "Reasons:\u00a0Precision.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.number, proposal.provision, proposal.margin_number) == ("PRG/29/1", "1.3", "5")
    assert proposal.text == "These Regulations."
    assert proposal.reasons == "Precision."


def test_runs_of_spaces_and_tabs_in_a_line_become_one_space_and_paragraphs_stay():
    text = (
        "MOD PRG/29/1\n5 1.3  These\t \tRegulations  \n  apply.\n \t\n"
        "Second  one.\nReasons: A \t B.\n"
    )
    (proposal,) = parse_text([text])
    assert proposal.text == "These Regulations\napply.\n\nSecond one."
    assert proposal.reasons == "A B."


@pytest.mark.parametrize("wrapped", ["RUS/27/\n7", "RUS/\n27/7", "RUS\n/27/7", "RUS/27\n/7"])
def test_a_number_wrapped_across_lines_is_joined(wrapped):
    (proposal,) = parse_text([f"ADD\t{wrapped}\n31A\t3A.1\tInternet governance.\nReasons: §34.\n"])
    assert proposal.number == "RUS/27/7"


def test_a_number_split_from_its_action_by_a_line_break():
    (proposal,) = parse_text(["ADD\nRUS/27/7\n3A.1 Text.\nReasons: R.\n"])
    assert (proposal.action, proposal.number) == ("ADD", "RUS/27/7")


def test_noc_with_reasons_only():
    (proposal,) = parse_text(
        ["NOC\tACP/12/3\n1012\t\nReasons:\tNo change to include a definition of ICT.\n"]
    )
    assert proposal.action == "NOC"
    assert proposal.provision == "1012"  # a CS number
    assert proposal.text == ""
    assert proposal.reasons == "No change to include a definition of ICT."
    assert "no text" not in proposal.problems


def test_article_heading_gives_the_article_and_its_title():
    text = (
        "ADD\tRUS/27/7\n\nARTICLE 3A\n\nInternet\n\n31A\t3A.1\tInternet governance shall be "
        "effected through the development and application by governments…\n\n"
        "Reasons:\t§ 34 of the Tunis Agenda.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.article, proposal.article_title) == ("3A", "Internet")
    assert (proposal.margin_number, proposal.provision) == ("31A", "3A.1")
    assert proposal.text.startswith("Internet governance shall be effected")


@pytest.mark.parametrize(
    "heading",
    [
        "ARTICLE 3A – Internet",
        "ARTICLE 3A - Internet",
        "ARTICLE\u00a03A\u00a0\u2014\u00a0Internet ",
    ],
)
def test_an_article_heading_with_its_title_on_the_same_line(heading):
    text = (
        f"ADD\tRUS/27/7\n\n{heading}\n\n31A\t3A.1\tInternet governance shall be effected…\n"
        "Reasons:\t§ 34 of the Tunis Agenda.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.article, proposal.article_title) == ("3A", "Internet")
    assert (proposal.margin_number, proposal.provision) == ("31A", "3A.1")
    assert proposal.text == "Internet governance shall be effected…"


def test_an_article_heading_with_its_title_on_the_same_line_heads_the_next_proposal():
    text = (
        "MOD\tRUS/27/6\n5\t1.3\tFirst.\nReasons:\tR6.\n\nARTICLE 3A – Internet\n"
        "ADD\tRUS/27/7\n31A\t3A.1\tSecond.\nReasons:\tR7.\n"
    )
    first, second = parse_text([text])
    assert (first.reasons, first.article) == ("R6.", "")
    assert (second.article, second.article_title, second.text) == ("3A", "Internet", "Second.")


def test_a_wrapped_line_of_text_starting_with_article_and_a_dash_is_not_a_heading():
    text = (
        "MOD\tUSA/9/1\n3.1\tMember States shall cooperate as provided in\n"
        "Article 3 - 5 of these Regulations and shall report yearly.\nReasons:\tClarity.\n"
    )
    (proposal,) = parse_text([text])
    assert proposal.article == ""
    assert proposal.text.endswith("shall report yearly.")


def test_a_line_starting_with_article_and_a_long_sentence_is_not_a_heading():
    sentence = "Article 6 – " + "the Member States shall ensure that " * 4
    text = f"MOD\tRUS/27/6\n5\t1.3\tFirst.\n{sentence}\nReasons:\tR6.\n"
    (proposal,) = parse_text([text])
    assert proposal.article == ""
    assert sentence.strip() in proposal.text


IRAQ = "Support and assistance for Iraq…"


@pytest.mark.parametrize(
    ("line", "resolution", "title"),
    [
        ("DRAFT NEW RESOLUTION [ARB-1]", "[ARB-1]", IRAQ),
        ("DRAFT RESOLUTION [EUR/A25-1]", "[EUR/A25-1]", IRAQ),
        ("MOD RESOLUTION 130 (Rev. Guadalajara, 2010)", "130", "(Rev. Guadalajara, 2010)"),
        ("RESOLUTION 130 (Rev. Guadalajara, 2010)", "130", "(Rev. Guadalajara, 2010)"),
        ("PROJET DE NOUVELLE RÉSOLUTION [ARB-1]", "[ARB-1]", IRAQ),
        ("MOD RÉSOLUTION 130 (Rév. Guadalajara, 2010)", "130", "(Rév. Guadalajara, 2010)"),
        ("PROYECTO DE NUEVA RESOLUCIÓN [ARB-1]", "[ARB-1]", IRAQ),
    ],
)
def test_reads_resolutions(line, resolution, title):
    # Without a proposal number, a heading is not a proposal of its own.
    assert parse_text([line + "\n"]) == []
    text = f"ADD\tARB/79A1/9\n\n{line}\n\n{IRAQ}\n\nReasons: Aim.\n"
    (proposal,) = parse_text([text])
    assert (proposal.resolution, proposal.resolution_title) == (resolution, title)
    assert proposal.text.startswith("Support and assistance")
    assert not proposal.needs_review


def test_many_proposals_over_several_pages_keep_their_pages():
    page_one = (
        "Intro text.\n\nMOD PRG/29/1\n5 1.3 Text one.\nReasons: One.\n\nMOD PRG/29/2\n6 1.4 Two "
    )
    page_two = "continues here.\nReasons: Two.\n\nSUP PRG/29/3\n7 1.5\nReasons: Three.\n"
    proposals = parse_text([page_one, page_two])
    assert [(p.number, p.page) for p in proposals] == [
        ("PRG/29/1", 1),
        ("PRG/29/2", 1),
        ("PRG/29/3", 2),
    ]
    assert proposals[1].text == "Two\ncontinues here."


def test_missing_parts_lower_confidence_and_send_to_review():
    (proposal,) = parse_text(["MOD XYZ/1/1\nSome words without a provision or reasons.\n"])
    assert set(proposal.problems) == {
        "no Reasons: line",
        "no provision, article or resolution found",
    }
    assert proposal.needs_review


def test_text_that_only_mentions_a_number_is_not_a_proposal():
    text = "As proposed in RUS/27/7, and as ADD\u00a0text says, see MOD elsewhere.\n"
    assert parse_text([text]) == []


def test_other_languages_around_the_symbols():
    text = "MOD\tRUS/27/1\n5\t1.3\tНастоящий Регламент устанавливается…\nReasons: Уточнение.\n"
    (proposal,) = parse_text([text])
    assert proposal.text.startswith("Настоящий Регламент")
    assert proposal.reasons == "Уточнение."


# --- Tables -----------------------------------------------------------------------


def test_reads_a_compilation_table_row_by_row():
    rows = [
        ["ITR", "Proposal", "Proposal text", "Proposer(s)"],  # header: no number
        ["1.3", "MOD PRG/29/1", "…interoperability of telecommunication networks…", "Paraguay"],
        [
            "3A.1",
            "ADD RUS/27/7",
            "Internet governance shall be effected… Reasons: Tunis.",
            "Russian Federation",
        ],
        [
            "Art. 5B",
            "ADD",
            "ARB/ 30 /2",
            "Member States shall endeavour to take measures…",
            "Arab States",
        ],
    ]
    first, second, third = parse_table(rows, page=4)
    assert (first.action, first.number, first.provision, first.page) == (
        "MOD",
        "PRG/29/1",
        "1.3",
        4,
    )
    assert first.text == "…interoperability of telecommunication networks…"
    assert first.proposers_as_stated == "Paraguay"
    assert (second.provision, second.reasons) == ("3A.1", "Tunis.")
    assert (third.action, third.number, third.provision) == ("ADD", "ARB/30/2", "5B")
    assert third.proposers_as_stated == "Arab States"
    assert not any(p.needs_review for p in (first, second, third))


def test_the_header_row_says_which_column_holds_the_proposers():
    rows = [
        ["Provision", "Number", "Proposed text", "Proposed by"],
        ["1.3", "MOD PRG/29/1", "…networks…", "Paraguay, Ghana"],
    ]
    (proposal,) = parse_table(rows)
    assert (proposal.text, proposal.proposers_as_stated) == ("…networks…", "Paraguay, Ghana")


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            ["Proposal", "Action", "Provision", "Subject", "Outcome"],
            ["ACP/12/1", "MOD", "CV 468", "Class of contribution – the text", "SUCCESSFUL"],
        ),
        (
            ["Proposal", "Provision", "Proposed text", "Comments"],
            ["MOD ACP/12/1", "1.3", "Class of contribution – the text", "Editorial"],
        ),
    ],
)
def test_under_a_header_naming_no_proposers_other_columns_are_not_the_proposers(header, row):
    (proposal,) = parse_table([header, row])
    assert (proposal.text, proposal.proposers_as_stated) == ("Class of contribution – the text", "")
    # Without a header, the cells left are the proposers, as TD 62 set them.
    (bare,) = parse_table([["MOD ACP/12/1", "1.3", "Class of contribution – the text", "Japan"]])
    assert bare.proposers_as_stated == "Japan"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            ["Proposal", "Art.", "Provision", "Proposed text", "Proposer(s)"],
            ["ADD RUS/27/7", "3A", "3A.1", "Internet governance…", "Russian Federation"],
        ),
        (
            ["MN", "Provision", "Proposal", "Proposed text", "Proposer(s)"],
            ["31A", "3A.1", "ADD RUS/27/7", "Internet governance…", "Russian Federation"],
        ),
        # DT/1's layout: the article, then the provision.
        (
            ["ITR (Preamble, Articles, Final Formula)", "Provision", "Proposal", "Proposer"],
            ["Article 3A", "3A.1", "ADD RUS/27/7", "Russian Federation"],
        ),
    ],
    ids=["article column", "margin column", "dt1"],
)
def test_the_header_row_says_which_column_holds_the_provision(header, row):
    (proposal,) = parse_table([header, row])
    assert (proposal.provision, proposal.proposers_as_stated) == ("3A.1", "Russian Federation")


@pytest.mark.parametrize(
    "header",
    [
        "Existing text / Proposed text",
        "Proposed modification to the present text",
        "Proposed text (changes to the current text marked)",
        "Existing text\n(proposed changes marked)",  # a cell of two lines
    ],
)
def test_a_proposed_text_column_naming_the_current_text_is_the_proposals(header):
    rows = [
        ["Proposal", "Provision", header, "Reasons"],
        ["MOD PRG/29/1", "1.3", "These Regulations are established.", "Precision."],
    ]
    (proposal,) = parse_table(rows)
    assert proposal.text == "These Regulations are established."


def test_a_column_of_the_text_in_force_headed_over_two_lines_is_not_the_proposals():
    rows = [
        ["Propuesta", "Disposición", "Texto\nvigente (1988)", "Texto propuesto"],
        ["MOD PRG/29/1", "1.3", "Texto antiguo.", "El presente Reglamento se establece."],
    ]
    (proposal,) = parse_table(rows)
    assert proposal.text == "El presente Reglamento se establece."


def test_a_title_merged_across_the_table_is_not_its_header():
    rows = [
        ["ARTICLE 1 – Purpose and scope"] * 4,  # one cell across four columns
        ["Provision", "Proposal", "Proposed text", "Proposer(s)"],
        ["1.3", "MOD PRG/29/1", "These Regulations are established.", "Paraguay"],
    ]
    (proposal,) = parse_table(rows)
    assert (proposal.provision, proposal.proposers_as_stated) == ("1.3", "Paraguay")


def test_a_column_of_the_text_in_force_is_not_the_proposals_text():
    rows = [
        ["Provision", "Current text (1988)", "Proposal", "Proposed text", "Proposer(s)"],
        ["1.3", "…of telecommunication facilities.", "MOD PRG/29/1", "…of networks.", "Paraguay"],
    ]
    (proposal,) = parse_table(rows)
    assert (proposal.text, proposal.proposers_as_stated) == ("…of networks.", "Paraguay")


def test_a_reasons_column_gives_the_reasons():
    rows = [
        ["Proposal", "Provision", "Proposed text", "Reasons"],
        ["MOD PRG/29/1", "1.3", "…of networks.", "Greater precision."],
    ]
    (proposal,) = parse_table(rows)
    assert (proposal.text, proposal.reasons) == ("…of networks.", "Greater precision.")
    assert proposal.proposers_as_stated == ""


def test_without_a_header_row_a_margin_number_beside_the_provision_is_not_the_provision():
    rows = [
        ["5", "1.3", "MOD ARB/25/1", "These Regulations are established."],
        ["6", "1.4", "MOD ARB/25/2", "Other text."],
        # An article's column is not a margin number's, nor the proposers'.
        ["3A", "3A.1", "ADD RUS/27/7", "Internet governance…"],
        # A margin number's column after the provision's.
        ["1.5", "7", "MOD ARB/25/3", "More text."],
    ]
    first, second, third, fourth = parse_table(rows)
    assert (first.margin_number, first.provision, first.proposers_as_stated) == ("5", "1.3", "")
    assert (second.margin_number, second.provision) == ("6", "1.4")
    assert first.text == "These Regulations are established."
    assert (third.margin_number, third.provision, third.proposers_as_stated) == ("", "3A.1", "")
    assert (fourth.margin_number, fourth.proposers_as_stated) == ("7", "")


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (["1.3", "MOD RUS/27/7 (Russian Federation, Algeria)", "Deleted."], "Deleted."),
        (["1.3", "MOD ARB/25/1\n(Document 25, Add.1)", "These Regulations."], "These Regulations."),
        # The text beside or below the number, after its marks.
        (
            ["1.3", "MOD ARB/25/1 These Regulations are established."],
            "These Regulations are established.",
        ),
        (["1.3", "MOD RUS/27/7 Rev.1\nText of it."], "Text of it."),
        (["1.3", "MOD RUS/27/7*\nText of it."], "Text of it."),
    ],
    ids=["beside", "bracketed", "same-line", "after-revision", "after-asterisk"],
)
def test_a_note_in_the_cell_of_the_number_is_not_the_proposals_text(row, text):
    (proposal,) = parse_table([row])
    assert proposal.text == text


@pytest.mark.parametrize(
    "header", [[], [["Provision", "Proposal text", "Proposers"]]], ids=["no header", "header"]
)
def test_the_text_in_the_cell_of_the_number_is_the_proposals_text(header):
    rows = [*header, ["1.3", "MOD ARB/25/1\nThese Regulations are established.", "Arab States"]]
    (proposal,) = parse_table(rows)
    assert (proposal.number, proposal.text, proposal.proposers_as_stated) == (
        "ARB/25/1",
        "These Regulations are established.",
        "Arab States",
    )
    assert not proposal.needs_review


def test_the_rule_ending_a_document_is_not_part_of_the_last_reasons():
    # A Word document's paragraphs come out one to a line, the rule with them.
    (proposal,) = parse_text(["MOD\tF/12/1\n5\t1.3\tTexte.\nReasons:\tUpdate.\n______________\n"])
    assert proposal.reasons == "Update."


@pytest.mark.parametrize(
    ("below", "title"),
    [
        # In a PDF the title may wrap: half a title would be wrong.
        ("Strengthening the role of ITU in building confidence\nand security in the use", ""),
        ("The Plenipotentiary Conference (Busan, 2014),\nconsidering", ""),  # the preamble
        ("considering\na) that spam", ""),
        ("Reasons:\tWhy.", ""),
        ("Measures to counter spam\nThe Plenipotentiary Conference (Busan, 2014),", None),
        ("Измерение информационного общества\n", None),
    ],
)
def test_a_resolutions_title_on_the_line_below_its_heading(below, title):
    text = f"ADD\tARB/79A1/9\nDRAFT NEW RESOLUTION [ARB-1]\n{below}\nReasons:\tWhy.\n"
    (proposal,) = parse_text([text])
    expected = below.split("\n")[0] if title is None else title
    assert proposal.resolution_title == expected
    if expected:
        assert proposal.text.startswith(expected)  # the title stays in the resolution's text


def test_a_resolution_numbered_the_1988_way():
    (proposal,) = parse_text(["MOD\tAUS/5/1\nRESOLUTION No. 2\nThe text.\nReasons:\tR.\n"])
    assert (proposal.resolution, proposal.text) == ("2", "The text.")


def test_a_table_row_without_action_or_provision_goes_to_review():
    (proposal,) = parse_table([["PRG/29/9", "Some text"]])
    assert proposal.action == ""
    assert proposal.needs_review


@pytest.mark.parametrize("heading", ["APPENDIX 1", "APPENDICE 1", "APÉNDICE 1"])
def test_an_appendix_heads_its_proposal_as_an_article_does(heading):
    text = (
        f"MOD\tUSA/9/5\n\n{heading}\nGeneral Provisions Concerning Accounting\n\n"
        "1.1\tEach Administration shall.\nReasons:\tUpdate.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.article, proposal.article_title) == (
        "Appendix 1",
        "General Provisions Concerning Accounting",
    )
    assert (proposal.provision, proposal.text) == ("1.1", "Each Administration shall.")
    assert not proposal.needs_review


def test_a_heading_after_a_proposal_without_reasons_heads_the_next_one():
    text = (
        "MOD\tRUS/27/6\n5\t1.3\tThese Regulations.\n\n"
        "ARTICLE 3A\nInternet\n\n"
        "ADD\tRUS/27/7\n31A\t3A.1\tInternet governance shall be effected.\n"
        "Reasons:\tTunis Agenda.\n"
    )
    first, second = parse_text([text])
    assert (first.article, first.provision, first.text) == ("", "1.3", "These Regulations.")
    assert first.needs_review  # no reasons
    assert (second.article, second.article_title, second.provision) == ("3A", "Internet", "3A.1")


@pytest.mark.parametrize(
    "after",
    [
        " below.",
        ", as amended",
        " and RUS/27/8 are",
        ".",
        " a) and b) of it",
        " (Internet governance), which",
        " (Article 3A).",
        " ниже.",  # Russian, "below"
        " à la suite.",  # French
        " а) и б)",  # a Russian list
    ],
)
def test_a_cross_reference_wrapped_to_a_line_start_is_not_a_proposal(after):
    text = (
        "MOD\tRUS/27/6\n5\t1.3\tThe text moves, as set out in\n"
        f"ADD RUS/27/7{after}\nReasons:\tClarity.\n\n"
        "ADD\tRUS/27/7\n31A\t3A.1\tMember States shall endeavour to ensure security.\n"
        "Reasons:\tSecurity.\n"
    )
    first, second = parse_text([text])
    assert first.number == "RUS/27/6" and f"RUS/27/7{after}" in first.text
    assert (second.number, second.provision, second.reasons) == ("RUS/27/7", "3A.1", "Security.")


@pytest.mark.parametrize(
    "line", ["MOD PRG/29/1", "MOD PRG/29/1  5  1.3  Text.", "MOD PRG/29/1 5 1.3 Text.",
             "NOC RUS/27/3 Reasons: Why.", "ADD ARB/25/1 (Rev.1)",
             "ADD USA/9/1 a) Administrations shall", "MOD USA/9/2 iii)\u00a0Étant donné",
             "ADD RUS/27/9 а) Государства-Члены"],
)  # fmt: skip
def test_an_opening_line_may_go_on_with_the_provision(line):
    (proposal,) = parse_text([f"{line}\nReasons: Why.\n"])
    assert proposal.number == line.split()[1]


@pytest.mark.parametrize(
    "line",
    [
        "2 1.1 a) These Regulations establish general principles.",  # from a PDF
        "2\t1.1\ta)\tThese Regulations establish general principles.",  # Word's tabs
        "2\u00a01.1\u00a0\u00a0a)\u00a0These Regulations establish general principles.",
    ],
    ids=["pdf", "word", "web page"],
)
def test_a_lettered_provision_keeps_its_letter_however_it_is_spaced(line):
    (proposal,) = parse_text([f"MOD\tUSA/9/1\n{line}\nReasons:\tClarity.\n"])
    assert (proposal.margin_number, proposal.provision) == ("2", "1.1 a)")
    assert proposal.text == "These Regulations establish general principles."


@pytest.mark.parametrize(
    "word",
    [
        "Reasons:",
        "Reason:",
        "Motifs :",
        "Motivos:",
        "MOTIFS:",
        "Основания:",
        "ОСНОВАНИЯ:",
        "الأسباب:",
        "理由：",  # a full-width colon
    ],
)
def test_reasons_in_the_six_languages(word):
    (proposal,) = parse_text([f"MOD\tF/12/1\n5\t1.3\tTexte.\n{word}\tCoherence.\n"])
    assert (proposal.text, proposal.reasons) == ("Texte.", "Coherence.")
    (row,) = parse_table([["MOD F/12/1", "1.3", f"Texte. {word} Coherence."]])
    assert (row.text, row.reasons) == ("Texte.", "Coherence.")


def test_russian_headings_give_the_article_the_resolution_and_the_provision():
    text = (
        "ADD\tRUS/27/7\n\nСТАТЬЯ 3A\n\nИнтернет\n\n31A\t3A.1\tУправление.\n\n"
        "Основания:\tТунис.\n\n"
        "ADD\tRUS/27/8\nПРОЕКТ НОВОЙ РЕЗОЛЮЦИИ [RUS-1]\nОб обмене трафиком\nОснования:\tR.\n"
    )
    article, resolution = parse_text([text])
    assert (article.article, article.article_title, article.provision) == ("3A", "Интернет", "3A.1")
    assert article.text == "Управление."
    assert (resolution.resolution, resolution.resolution_title) == ("[RUS-1]", "Об обмене трафиком")


@pytest.mark.parametrize("space", ["\u2002", "\u2003", "\u2009", "\u3000"])
def test_spaces_of_every_width_separate_the_numbers(space):
    (proposal,) = parse_text([f"MOD\tUSA/9/1\n2{space}1.1{space}Text.\nReasons:\tR.\n"])
    assert (proposal.margin_number, proposal.provision, proposal.text) == ("2", "1.1", "Text.")


def test_running_heads_and_feet_stay_out_of_a_proposal_across_pages():
    page_one = "Document 79-E\n\nMOD\tB/79A1/1\n165\tThe first part\n\n- 1 -"
    page_two = (
        "- 2 -\nPP14/79(Add.1)-E\n\nof the text.\nReasons:\tWhy.\n\nMOD\tB/79A1/2\n\n"
        "PP14/79(Add.1)-E"
    )
    page_three = "- 3 -\nPP14/79(Add.1)-E\n166\tSecond text.\nReasons:\tBecause."
    first, second = parse_text([page_one, page_two, page_three])
    assert (first.provision, first.text, first.reasons) == (
        "165", "The first part\n\nof the text.", "Why."
    )  # fmt: skip
    assert (second.provision, second.text, second.page) == ("166", "Second text.", 2)


def test_page_furniture_is_only_taken_from_the_ends_of_a_page():
    middle = "\n".join(["a", "b", "c", "MOD\tB/1/1", "165\tText:", "WCIT12/27-E", "d", "e", "f"])
    (proposal,) = parse_text([middle + "\nReasons: R."])
    assert "WCIT12/27-E" in proposal.text  # quoted in the text, not a running head


@pytest.mark.parametrize(
    ("head", "foot"),
    [
        ("\u2013 2 \u2013", "WTDC-17/23-E"),
        ("- 2 - PP14/79-E", "\n\n"),  # together on one line; blank lines after the foot
        ("\n\nPP14/79-E  - 2 -", "WCIT12/27(Rev.1)-E\n\n\n"),
    ],
)
def test_running_heads_and_feet_in_other_forms(head, foot):
    page_one = f"MOD\tB/79/1\n165\tThe first part\n{foot}"
    page_two = f"{head}\nof the text.\nReasons:\tWhy.\n{foot}"
    (proposal,) = parse_text([page_one, page_two])
    assert (proposal.text, proposal.reasons) == ("The first part\nof the text.", "Why.")


def test_an_article_heading_after_the_reasons_heads_the_next_proposal():
    text = (
        "MOD\tRUS/27/6\n5\t1.3\tFirst.\nReasons:\tR6.\n\nARTICLE 3A\nInternet\n\n"
        "ADD\tRUS/27/7\n31A\t3A.1\tSecond.\nReasons:\tR7.\n"
    )
    first, second = parse_text([text])
    assert (first.reasons, first.article) == ("R6.", "")
    assert (second.article, second.article_title, second.provision) == ("3A", "Internet", "3A.1")


def test_an_article_heading_does_not_head_a_resolution():
    text = (
        "MOD\tRUS/27/6\n5\t1.3\tFirst.\nReasons:\tR6.\n\nARTICLE 3A\nInternet\n\n"
        "ADD\tRUS/27/8\nDRAFT NEW RESOLUTION [RUS-1]\nOn spam\nReasons:\tR8.\n"
    )
    _, resolution = parse_text([text])
    assert (resolution.resolution, resolution.article) == ("[RUS-1]", "")


def test_a_number_with_an_addendum_to_an_addendum():
    (proposal,) = parse_text(["MOD\tEUR/9A21A13/1\n5\t1.3\tText.\nReasons:\tR.\n"])
    assert (proposal.number, proposal.addendum, proposal.sequence) == ("EUR/9A21A13/1", 21, 1)


def test_a_table_row_standing_for_several_proposals():
    rows = [
        ["Proposal", "ITR", "Text"],
        ["MOD ARB/25/1\nMOD USA/9/2", "1.3", "These Regulations… Reasons: Shared."],
        ["USA/9/3, CAN/10/1", "ADD", "3A.1", "Internet governance…"],
    ]
    proposals = parse_table(rows)
    assert [(p.action, p.number, p.provision) for p in proposals] == [
        ("MOD", "ARB/25/1", "1.3"),
        ("MOD", "USA/9/2", "1.3"),
        ("ADD", "USA/9/3", "3A.1"),
        ("ADD", "CAN/10/1", "3A.1"),
    ]
    assert {p.reasons for p in proposals[:2]} == {"Shared."}
    assert {p.text for p in proposals[2:]} == {"Internet governance…"}


def test_a_resolution_named_in_the_text_is_not_its_heading():
    text = (
        "MOD\tPRG/29/5\n5\t1.3\tMember States shall take into account\n"
        "Resolution 130 (Rev. Guadalajara, 2010) when applying these Regulations.\n"
        "Reasons:\tConsistency.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.provision, proposal.resolution) == ("1.3", "")
    assert proposal.text.endswith(
        "Resolution 130 (Rev. Guadalajara, 2010) when applying these Regulations."
    )


def test_a_spanish_article_heading_is_read():
    text = (
        "ADD\tRUS/27/7\nARTÍCULO 3A\nInternet\n31A\t3A.1\tLos Estados Miembros…\n"
        "Motivos:\tAgenda de Túnez.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.article, proposal.article_title, proposal.provision) == (
        "3A",
        "Internet",
        "3A.1",
    )


def test_an_article_heading_before_the_first_proposal_heads_it():
    text = (
        "Document 29-E\nParaguay\nPROPOSALS FOR THE WORK OF THE CONFERENCE\n\n"
        "ARTICLE 1\nPurpose and Scope of the Regulations\n\n"
        "MOD\tPRG/29/1\n5\t1.3\tThese Regulations are established with a view to "
        "facilitating global interconnection and interoperability of telecommunication "
        "networks.\n\nReasons:\tGreater precision.\n"
    )
    (proposal,) = parse_text([text])
    assert (proposal.article, proposal.article_title) == (
        "1",
        "Purpose and Scope of the Regulations",
    )
    assert (proposal.margin_number, proposal.provision) == ("5", "1.3")


# 2 -----------------------------------------------------------------------------------


def test_a_frequency_band_opening_the_text_is_not_a_provision_number():
    # WRC proposals on the Table of Frequency Allocations open with the band.
    text = (
        "MOD\tEUR/9A20/1\n\n1 300-1 350 MHz\nAllocation to services\n"
        "Region 1\tRegion 2\tRegion 3\n\nReasons:\tTo protect radar systems.\n"
    )
    (proposal,) = parse_text([text])
    assert proposal.provision == ""
    assert proposal.text.startswith("1 300-1 350 MHz")


# 3 -----------------------------------------------------------------------------------


def test_a_table_of_supporters_does_not_replace_the_proposals_in_the_text():
    from proposals.ingest.extract import Extracted
    from proposals.services.ingestion import parse_all

    page = (
        "Document 117-E\nCITEL\nCOMMON INTER-AMERICAN PROPOSALS\n\n"
        "ADD\tIAP/117/1\n\nDRAFT NEW RESOLUTION [IAP-1]\n\nAccess for persons with "
        "disabilities\n\nReasons:\tTo promote accessibility.\n\n"
        "MOD\tIAP/117/2\n\nRESOLUTION 17 (Rev. Istanbul, 2002)\n\nImplementation of "
        "regional initiatives\n\nReasons:\tUpdating.\n\n"
        "Proposal | Supporting Administrations\nIAP/117/1 | ARG, B, CAN, USA\n"
        "IAP/117/2 | ARG, CAN\n"
    )
    supporters = [
        ["Proposal", "Supporting Administrations"],
        ["IAP/117/1", "ARG, B, CAN, USA"],
        ["IAP/117/2", "ARG, CAN"],
    ]
    proposals = parse_all(Extracted(pages=[page], tables=[(1, supporters)]))
    assert [(p.action, p.number, p.resolution) for p in proposals] == [
        ("ADD", "IAP/117/1", "[IAP-1]"),
        ("MOD", "IAP/117/2", "17"),
    ]
    assert proposals[0].reasons == "To promote accessibility."


# 4 -----------------------------------------------------------------------------------


def test_the_end_of_document_rule_is_not_part_of_the_last_reasons():
    text = "MOD\tPRG/29/1\n5\t1.3\tThese Regulations.\n\nReasons:\tPrecision.\n\n\n______________\n"
    (proposal,) = parse_text([text])
    assert proposal.reasons == "Precision."


def test_the_file_path_footer_of_the_first_page_stays_out_of_a_proposal():
    page_one = (
        "Document 29-E\n8 November 2012\nOriginal: Spanish\nParaguay\n"
        "PROPOSALS FOR THE WORK OF THE CONFERENCE\n\nMOD\tPRG/29/1\n"
        "5\t1.3\tThese Regulations are established\n\n\n"
        "P:\\ENG\\ITU-T\\CONF-T\\WCIT12\\000\\029E.DOCX (327589)\t08.11.12\t08.11.12"
    )
    page_two = "- 2 -\nWCIT12/29-E\n\nwith a view to facilitating.\n\nReasons:\tPrecision.\n"
    (proposal,) = parse_text([page_one, page_two])
    assert proposal.text == "These Regulations are established\n\nwith a view to facilitating."


# 5 -----------------------------------------------------------------------------------


def test_a_chapter_heading_after_the_reasons_is_not_part_of_them():
    text = (
        "MOD\tB/79/1\n165\tThe General Secretariat shall…\nReasons:\tClarity.\n\n"
        "CHAPTER II\nGeneral Secretariat\n\nARTICLE 11\nGeneral Secretariat\n\n"
        "MOD\tB/79/2\n74\tThe Secretary-General shall…\nReasons:\tConsistency.\n"
    )
    first, second = parse_text([text])
    assert first.reasons == "Clarity."
    assert second.article == "11"


# 6 -----------------------------------------------------------------------------------


def test_a_french_revision_running_head_stays_out_of_a_proposal():
    page_one = "MOD\tF/27/1\n5\t1.3\tLe présent Règlement\n\n- 1 -"
    page_two = "- 2 -\nCMR15/27(Rév.1)-F\n\nest établi.\nMotifs:\tPrécision.\n"
    (proposal,) = parse_text([page_one, page_two])
    assert proposal.text == "Le présent Règlement\n\nest établi."


# 7 -----------------------------------------------------------------------------------


def test_a_table_reads_constitution_and_convention_provisions():
    # PP-10 Document 12, the results of the APT common proposals.
    rows = [
        ["Proposal", "Action", "Provision", "Subject"],
        ["ACP/12/01", "MOD", "CV 468", "Class of contribution – changes to unit classes"],
        ["ACP/12/02", "MOD", "CS 165", "limit any reduction in contributory units"],
    ]
    first, second = parse_table(rows)
    assert (first.provision, second.provision) == ("468", "165")
    assert "CV 468" not in first.proposers_as_stated


def test_a_table_reads_a_resolution_in_the_provision_column():
    rows = [
        ["Provision", "Proposal", "Summary"],
        ["Resolution 803 (WRC-03)", "SUP EUR/10A25/1", "Preliminary agenda for the 2010 WRC"],
    ]
    (proposal,) = parse_table(rows)
    assert proposal.resolution == "803"
    assert proposal.proposers_as_stated == ""


# 9 -----------------------------------------------------------------------------------


def test_a_table_takes_the_number_from_the_proposal_cell_not_a_cell_naming_it():
    rows = [
        ["Provision", "Proposal", "Summary"],
        [
            "Draft Resolution [EUR/10A25/2]",
            "ADD EUR/10A25/2",
            "Agenda for the 2011 World Radiocommunication Conference",
        ],
    ]
    (proposal,) = parse_table(rows)
    assert (proposal.action, proposal.number) == ("ADD", "EUR/10A25/2")
    assert proposal.proposers_as_stated != "ADD EUR/10A25/2"


# 10 ----------------------------------------------------------------------------------


def test_one_action_before_a_list_of_numbers_applies_to_each():
    rows = [["Proposal", "ITR", "Text"], ["MOD PRG/29/1, B/30/2", "1.3", "These Regulations…"]]
    proposals = parse_table(rows)
    assert [(p.action, p.number) for p in proposals] == [("MOD", "PRG/29/1"), ("MOD", "B/30/2")]


# 11 ----------------------------------------------------------------------------------
