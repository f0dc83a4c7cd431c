"""Finding the dates in a source's paragraph (core.date_mentions) and reading a typed date."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.date_mentions import ABBREVIATIONS, MONTH_NAMES, find_dates, parse_date
from core.partial_dates import MAX_YEAR, MIN_YEAR, PartialDate
from core.texts import paragraphs
from tests.core.test_partial_dates import partial_dates
from tests.helpers import SEED

P = PartialDate.parse


def found(paragraph):
    """What find_dates reports, as (text, iso, precision) triples."""
    return [(m.text, m.iso, m.precision) for m in find_dates(paragraph)]


# The forms, one by one, in sentences written for the test


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("The order came on December 22, 2020.", [("December 22, 2020", "2020-12-22", "day")]),
        ("It was filed in June 2023 in Washington.", [("June 2023", "2023-06", "month")]),
        ("The rule dates from 2021.", [("2021", "2021", "year")]),
        ("A hearing is set for May 29th, 2025.", [("May 29th, 2025", "2025-05-29", "day")]),
        ("A hearing was held on 29 May 2025.", [("29 May 2025", "2025-05-29", "day")]),
        ("It ended on the 3rd of March 2024.", [("the 3rd of March 2024", "2024-03-03", "day")]),
        ("The docket shows 2025-05-29 for it.", [("2025-05-29", "2025-05-29", "day")]),
        ("It settled in Feb. 2024.", [("Feb. 2024", "2024-02", "month")]),
        ("It settled in Sept. 2024.", [("Sept. 2024", "2024-09", "month")]),
        ("It was begun in June of 2023.", [("June of 2023", "2023-06", "month")]),
        ("A leap day: February 29, 2024.", [("February 29, 2024", "2024-02-29", "day")]),
    ],
)
def test_each_form_is_found_at_the_precision_its_words_give(paragraph, expected):
    assert found(paragraph) == expected


def test_a_list_of_months_ending_in_a_year_is_one_mention_per_month_each_over_its_own_words():
    paragraph = "The parties asked for pauses in February and April 2024."
    february, april = find_dates(paragraph)
    assert (february.text, february.iso) == ("February", "2024-02")
    assert (april.text, april.iso) == ("April 2024", "2024-04")
    for mention in (february, april):
        assert paragraph[mention.start : mention.end] == mention.text
        assert mention.precision == "month"


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("Talks ran June-July 2023.", [("June", "2023-06"), ("July 2023", "2023-07")]),
        ("From March to May 2025 nothing moved.", [("March", "2025-03"), ("May 2025", "2025-05")]),
        (
            "Filings in January, March and June 2022.",
            [("January", "2022-01"), ("March", "2022-03"), ("June 2022", "2022-06")],
        ),
        ("Between 2019-2023 it grew.", [("2019", "2019"), ("2023", "2023")]),
        ("From March 2023 to May 2024.", [("March 2023", "2023-03"), ("May 2024", "2024-05")]),
    ],
)
def test_ranges_and_lists_give_each_month_or_year_its_own_mention(paragraph, expected):
    assert [(m.text, m.iso) for m in find_dates(paragraph)] == expected


@pytest.mark.parametrize(
    "paragraph, text, iso, precision",
    [
        ("The deal was signed on May 29 after talks.", "May 29", "--05-29", "day"),
        ("He was sentenced this April by the court.", "this April", "--04", "month"),
        ("The order is due on May 29th.", "May 29th", "--05-29", "day"),
        ("We met on 29 May at noon.", "29 May", "--05-29", "day"),
        ("Nothing changed in September.", "September", "--09", "month"),
        ("Work stops at the end of May.", "the end of May", "--05", "month"),
    ],
)
def test_a_date_without_a_year_keeps_no_year_and_says_so_in_its_note(
    paragraph, text, iso, precision
):
    [mention] = find_dates(paragraph)
    assert (mention.text, mention.iso, mention.precision) == (text, iso, precision)
    assert mention.year is None and not mention.has_year and mention.date is None
    assert mention.note == f"Year not stated; the text gives “{text}”."


def test_a_year_less_mention_matches_that_month_and_day_in_any_year_and_nothing_else():
    [may_29] = find_dates("It was filed on May 29.")
    assert may_29.matches(P("2024-05-29")) and may_29.matches(P("2025-05-29"))
    assert not may_29.matches(P("2025-05")) and not may_29.matches(P("2025-05-28"))
    [april] = find_dates("It happened this April.")
    assert april.matches(P("2024-04")) and not april.matches(P("2024-04-01"))
    assert not april.matches(None)


def test_a_mention_with_a_year_matches_only_that_date_at_that_precision():
    [june] = find_dates("It was filed in June 2023.")
    assert june.matches(P("2023-06"))
    assert not june.matches(P("2023-06-01")) and not june.matches(P("2023"))


@pytest.mark.parametrize(
    "paragraph, text, iso, precision, qualifier",
    [
        ("It began in the summer of 2023.", "the summer of 2023", "2023", "year", "the summer of"),
        ("A ruling is expected late 2024.", "late 2024", "2024", "year", "late"),
        ("Talks resumed in early 2025.", "early 2025", "2025", "year", "early"),
        ("Growth slowed from mid-2023 on.", "mid-2023", "2023", "year", "mid"),
        ("Results for Q3 2024 were weak.", "Q3 2024", "2024", "year", "Q3"),
        ("By the end of 2022 it had closed.", "the end of 2022", "2022", "year", "the end of"),
        ("Filed in early May 2025 in court.", "early May 2025", "2025-05", "month", "early"),
    ],
)
def test_an_approximate_date_is_no_more_precise_than_its_year_or_month_and_covers_its_words(
    paragraph, text, iso, precision, qualifier
):
    [mention] = find_dates(paragraph)
    assert paragraph[mention.start : mention.end] == text == mention.text
    assert (mention.iso, mention.precision, mention.qualifier) == (iso, precision, qualifier)
    assert mention.note.startswith(f"The text gives “{text}”, no more precise than ")


@pytest.mark.parametrize(
    "paragraph",
    [
        "It was announced last week.",
        "The filing came yesterday, or today.",
        "Earlier this month the agency spoke; later this year it may act.",
        "Binance may settle; March on, they said.",  # "may" and a month alone, no cue
        "May the court agree?",
        "A $4.3 billion fine and $4,300,000,000 in all.",
        "About 2,000 accounts and 20,000 users.",
        "Docket 1:23-cv-01599 in the district court.",
        "Fees rose 2021% or by 19.95%.",
        "Shares fell to $2021.50 each.",
        "Under Section 2021 and No. 2024 of the code, § 2019.",
        "It cost 2020 million in fees.",
        "The 2023-24 season and the 1990s.",
        "A meeting at Mar-a-Lago in Mar-a-Lago.",
        "Years like 1899 and 2101 are outside the record.",
        "There is no February 30 and no April 31.",
        "The exchange, world’s largest, faced 13 charges.",
    ],
)
def test_words_that_name_no_date_and_numbers_that_are_not_years_are_not_mentions(paragraph):
    assert found(paragraph) == []


def test_a_mention_with_a_year_needs_no_note_and_a_month_never_becomes_its_first_day():
    [june] = find_dates("In June 2023 it began.")
    assert june.note == "" and june.qualifier is None
    assert (june.day, june.date, june.date.precision) == (None, P("2023-06"), "month")


def test_years_at_the_ends_of_the_record_range_are_found_and_just_outside_are_not():
    assert [m.year for m in find_dates(f"From {MIN_YEAR} to {MAX_YEAR}.")] == [MIN_YEAR, MAX_YEAR]
    assert find_dates(f"From {MIN_YEAR - 1} to {MAX_YEAR + 1}.") == []


# Properties

# Words that change how a date next to them is read, which neutral filler must not hold:
# month names, the words that qualify a date or mark a number as a count or a label.
CONTEXT_WORDS = re.compile(
    r"\b(?i:"
    + "|".join(MONTH_NAMES + list(ABBREVIATIONS))
    + r"|early|late|mid|middle|beginning|start|end|half|quarter|spring|summer|fall|autumn"
    r"|winter|this|last|next|past|coming|q[1-4]|sections?|nos?|numbers?|rules?|forms?|items?"
    r"|exhibits?|chapters?|titles?|parts?|articles?|pages?|pp?|vol|volumes?|room|suite|flight"
    r"|docket|percent|per|hundred|thousand|million|billion|trillion)\b"
)
filler = st.text(
    st.characters(blacklist_categories=("Nd", "Nl", "No", "Cs"), blacklist_characters="§#"),
    max_size=30,
).filter(lambda text: not CONTEXT_WORDS.search(text))


@given(partial_dates(MIN_YEAR, MAX_YEAR), filler, filler)
def test_a_date_written_in_neutral_text_is_found_exactly_once_at_its_precision(date, before, after):
    written = str(date)  # "May 29, 2025", "June 2023" or "2023"
    paragraph = f"{before} {written} {after}"
    [mention] = find_dates(paragraph)
    assert (mention.start, mention.text) == (len(before) + 1, written)
    assert paragraph[mention.start : mention.end] == written
    assert (mention.precision, mention.iso, mention.date) == (date.precision, date.iso, date)


def check_mentions(paragraph):
    mentions = find_dates(paragraph)
    for mention in mentions:
        assert paragraph[mention.start : mention.end] == mention.text
        assert mention.precision in {"year", "month", "day"}
        assert mention.iso.startswith("--") != mention.has_year
        if mention.has_year:
            assert MIN_YEAR <= mention.year <= MAX_YEAR and mention.date.iso == mention.iso
    for first, second in zip(mentions, mentions[1:], strict=False):
        assert first.end <= second.start


@given(st.text())
def test_any_text_gives_mentions_in_order_that_never_overlap(paragraph):
    check_mentions(paragraph)


# Pieces of dates put together at random: lists, qualifiers, numbers next to months.
PIECES = [
    "May", "June", "Feb.", "Sept", "December", "29", "29th", "3rd", "31", "2024", "1999",
    "2101", "20245", "and", "or", "to", "-", "–", ",", ".", "of", "the", "in", "this", "late",
    "mid-", "summer", "Q3", "$", "%", "No.", "Section", "last week", "yesterday", "12,",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from([" ", ""]))
def test_date_like_pieces_in_any_order_give_well_formed_mentions(pieces, joiner):
    check_mentions(joiner.join(pieces))


# The seed articles' own phrasings: short verbatim snippets (at most 12 words)

SEED_PHRASINGS = [
    ("filing a joint stipulation with the exchange on May 29", [("May 29", "--05-29", "day")]),
    ("multiple securities law violations in June 2023", [("June 2023", "2023-06", "month")]),
    (
        "two prior requests to pause proceedings in February and April 2024",
        [("February", "2024-02", "month"), ("April 2024", "2024-04", "month")],
    ),
    (
        "settled with the Department of Justice in November 2023 for 【$4.3 billion】",
        [("November 2023", "2023-11", "month")],
    ),
    ("Zhao receiving a four-month prison sentence this April", [("this April", "--04", "month")]),
    ("• June 2023: SEC files initial complaint", [("June 2023", "2023-06", "month")]),
    ("• February 2024: First stay request filed", [("February 2024", "2024-02", "month")]),
    ("• May 2024: Case dismissed", [("May 2024", "2024-05", "month")]),
    ("joint court filing submitted on May 29 in a Washington, DC,", [("May 29", "--05-29", "day")]),
    ("(commonly known as CZ) in June 2023", [("June 2023", "2023-06", "month")]),
    ("was released in September 2024, as per Reuters", [("September 2024", "2024-09", "month")]),
    (
        "In February 2025, the SEC also dropped a similar case",
        [("February 2025", "2025-02", "month")],
    ),
    (
        "In a lawsuit filed in June 2023, the SEC accused Binance",
        [("June 2023", "2023-06", "month")],
    ),
    ("Binance agreed to pay a record $4.32 billion penalty", []),
    ("accused of listing at least 13 unregistered tokens", []),
    ("In a speech earlier this month, Atkins emphasized", []),
    ("decision to seek a stay for 60 days", []),
    ("dismissed three of the thirteen allegations", []),
    ("ceasing its minting earlier this year", []),
    ("culminated in a substantial $4.3 billion fine for the company", []),
    ("chose to file a lawsuit against Binance today", []),
    ("nearly a year after the SEC initially charged Binance Holdings", []),
    ("Washington, D.C. — A federal judge has ruled", []),
    ("1. Reduced regulatory uncertainty for crypto businesses 2. Validation", []),
    ("President Donald Trump’s second administration", []),
    ("Binance is not a U.S. exchange, the SEC's actions", []),
]


@pytest.mark.parametrize("snippet, expected", SEED_PHRASINGS)
def test_the_seed_articles_phrasings_give_their_dates(snippet, expected):
    assert found(snippet) == expected


@pytest.fixture
def seed_paragraphs(seed_articles):
    """Each seed article's paragraphs, by file name."""
    return {path.name: paragraphs(path.read_text()) for path in seed_articles.iterdir()}


def test_the_seed_phrasings_are_short_verbatim_snippets_of_the_articles(seed_paragraphs):
    texts = [" ".join(article) for article in seed_paragraphs.values()]
    for snippet, _ in SEED_PHRASINGS:
        assert len(snippet.split()) <= 12, snippet
        assert any(snippet in text for text in texts), snippet


# Recall on the seed

# Dates the seed's citations report that their paragraph does not state, each checked by
# reading the paragraph: (source, paragraph, reported date) and why.
NOT_STATED = {
    ("002_dc438811843e7d1b.txt", 2, "2025"): (
        "the paragraph has no date words: it gives the stay's length (60 days) only; the "
        "year is inferred from the article placing the motion under President Trump"
    ),
}


def dated_citations():
    for obj in SEED:
        fields = obj["fields"]
        if obj["model"] == "filings.citation" and fields.get("reported_date"):
            [source] = fields["source"]
            yield source, fields["locator"], fields["reported_date"], fields["key_phrase"]


def test_every_date_the_seeds_citations_report_is_found_where_its_paragraph_states_it(
    seed_paragraphs,
):
    stated, found_, not_stated = [], [], []
    for source, locator, reported, key_phrase in dated_citations():
        paragraph = seed_paragraphs[source][locator - 1]
        assert key_phrase in paragraph  # the citation points at this paragraph
        detected = any(m.matches(P(reported)) for m in find_dates(paragraph))
        if (source, locator, reported) in NOT_STATED:
            not_stated.append((source, locator, reported))
            assert not detected, "a date the test calls not stated is in the paragraph"
            continue
        stated.append((source, locator, reported))
        if detected:
            found_.append((source, locator, reported))
    print(f"Recall on the seed: {len(found_)}/{len(stated)} cited dates found in their paragraph")
    for key in not_stated:
        print("Not stated in the paragraph:", *key, "-", NOT_STATED[key])
    assert sorted(not_stated) == sorted(NOT_STATED)  # each exclusion is still a seed citation
    assert len(stated) == 17
    assert found_ == stated, sorted(set(stated) - set(found_))


# Reading what an editor types


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2024", "2024"),
        ("2024-10", "2024-10"),
        ("2025-05-29", "2025-05-29"),
        ("October 2024", "2024-10"),
        ("  october 2024 ", "2024-10"),
        ("Oct. 2024", "2024-10"),
        ("May 29, 2025", "2025-05-29"),
        ("may 29th 2025", "2025-05-29"),
        ("29 May 2025", "2025-05-29"),
        ("June of 2023", "2023-06"),
    ],
)
def test_parse_date_reads_an_iso_prefix_or_one_date_as_written(typed, expected):
    assert parse_date(typed).iso == expected


@pytest.mark.parametrize(
    "typed, example",
    [("May 29", "May 29, YYYY"), ("29 May", "May 29, YYYY"), ("April", "April YYYY")],
)
def test_parse_date_asks_for_the_year_when_none_is_typed(typed, example):
    with pytest.raises(ValueError) as raised:
        parse_date(typed)
    assert str(raised.value) == (
        f"Give the year: “{typed}” does not say which year. Type it as {example}."
    )


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("October 20245", ""),
        ("late 2024", ""),
        ("June and July 2024", ""),
        ("soon", ""),
        ("2023-13", " (month 13 is not between 1 and 12)"),
        ("February 30, 2023", " (February 2023 has 28 days, so there is no day 30)"),
    ],
)
def test_parse_date_refuses_anything_else_quoting_what_was_typed(typed, problem):
    with pytest.raises(ValueError) as raised:
        parse_date(typed)
    assert str(raised.value) == (
        "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD, or as written, like October 2024 or "
        f"May 29, 2025: “{typed}” is not one{problem}."
    )
