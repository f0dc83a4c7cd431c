"""What a key phrase not verbatim in its paragraph is told (filings/key_phrases.py).

The texts are written for these tests.
"""

import pytest

from filings.key_phrases import describe, problem

TEXT = [
    "Regulator drops its suit against the exchange",
    "The agency’s lawyers filed a short notice on a Tuesday.",
    "A spokesperson said the matter was closed for good.",
    "Later, the matter was closed for good, the exchange said.",
]


def test_words_in_the_cited_paragraph_have_no_problem():
    assert problem(TEXT, 2, "The agency’s lawyers filed", "a.txt") is None


def test_words_in_another_paragraph_are_pointed_to():
    assert problem(TEXT, 1, "short notice on a Tuesday", "a.txt") == (
        "These words are in paragraph 2 of a.txt, not paragraph 1."
    )


def test_words_in_several_other_paragraphs_are_pointed_to_in_each():
    assert problem(TEXT, 1, "the matter was closed for good", "a.txt") == (
        "These words are in paragraphs 3 and 4 of a.txt, not paragraph 1."
    )


@pytest.mark.parametrize(
    "typed, difference",
    [
        (
            "agency's lawyers filed",
            "The text has “agency’s” (curly apostrophe) where you typed “agency's”.",
        ),
        ("the agency’s lawyers", "The text starts with a capital: “The”."),
        ("lawyers  filed a", "The text has one space where you typed two."),
        ("lawyers\tfiled a", "The text has one space where you typed a tab."),
        ("a short Notice", "The text has “notice” (letter case) where you typed “Notice”."),
    ],
)
def test_a_near_miss_in_the_cited_paragraph_says_what_differs(typed, difference):
    assert problem(TEXT, 2, typed, "a.txt") == (
        f"These words are not in paragraph 2 of a.txt as typed. {difference}"
    )


@pytest.mark.parametrize(
    "text_run, typed_run, sentence",
    [
        ("\t\t", "\t", "The text has two tabs where you typed one."),
        ("\t", "\t\t", "The text has a tab where you typed two."),
        (" ", "   ", "The text has one space where you typed three."),
    ],
)
def test_a_run_of_the_same_white_space_says_how_many_were_typed(text_run, typed_run, sentence):
    assert describe(["filed", text_run, "a"], ["filed", typed_run, "a"]) == [sentence]


def test_every_difference_of_a_near_miss_is_named():
    message = problem(TEXT, 2, "THE agency's  lawyers", "a.txt")
    assert message.endswith(
        "The text has “The” (letter case) where you typed “THE”. "
        "The text has “agency’s” (curly apostrophe) where you typed “agency's”. "
        "The text has one space where you typed two."
    )


def test_a_near_miss_in_another_paragraph_is_pointed_to():
    assert problem(TEXT, 1, "the Agency’s lawyers", "a.txt") == (
        "These words are not in paragraph 1 of a.txt; nearly the same words are in "
        "paragraph 2. The text starts with a capital: “The”. "
        "The text has “agency’s” (letter case) where you typed “Agency’s”."
    )


@pytest.mark.parametrize(
    "typed",
    [
        "words this text never uses",
        "lawyers filed a long notice",  # a different word is no near miss
        "agency’slawyers",  # nor is a missing space
    ],
)
def test_words_not_in_the_text_are_told_to_copy_them_exactly(typed):
    assert problem(TEXT, 2, typed, "a.txt") == (
        "These words are not in paragraph 2 of a.txt as written. Copy them exactly."
    )
