"""What is wrong with a key phrase that is not verbatim in its paragraph, in the editor's words.

A key phrase must be in its paragraph exactly as typed; nothing here accepts
anything else. When it is not, the text is searched for where the words are,
in this order: a near miss in the cited paragraph, the words verbatim in other
paragraphs, a near miss in another paragraph. A near miss is a passage that
differs from the phrase only in the kind of quotes and apostrophes (’ and '),
in letter case, or in the runs of white space between words; the message says
what differs.
"""

import re
from itertools import groupby

from django.contrib.humanize.templatetags.humanize import apnumber
from django.template.defaultfilters import pluralize
from django.utils.text import get_text_list

# Each quote or apostrophe, folded to its straight form, and its name.
QUOTES = {
    "'": ("'", "straight apostrophe"),
    "’": ("'", "curly apostrophe"),
    "‘": ("'", "curly opening quote"),
    "‛": ("'", "reversed quote"),
    "′": ("'", "prime"),
    '"': ('"', "straight double quote"),
    "“": ('"', "curly opening double quote"),
    "”": ('"', "curly closing double quote"),
    "„": ('"', "low double quote"),
    "″": ('"', "double prime"),
}
SPACE_NAMES = {" ": ("space", "spaces"), "\t": ("tab", "tabs"), "\xa0": ("non-breaking space",) * 2}
# A run of white space, or any other single character.
UNITS = re.compile(r"\s+|\S")


def problem(paragraphs, locator, phrase, key):
    """The message for a key phrase that is not verbatim in paragraph ``locator``
    (from 1) of ``paragraphs``, the text of source ``key``; None when it is."""
    cited = paragraphs[locator - 1]
    if phrase in cited:
        return None
    if differences := near_miss(cited, phrase):
        return f"These words are not in paragraph {locator} of {key} as typed. {differences}"
    others = [number for number, text in enumerate(paragraphs, 1) if number != locator]
    if found := [str(number) for number in others if phrase in paragraphs[number - 1]]:
        where = f"paragraph{pluralize(found)} {get_text_list(found, 'and')}"
        return f"These words are in {where} of {key}, not paragraph {locator}."
    for number in others:
        if differences := near_miss(paragraphs[number - 1], phrase):
            return (
                f"These words are not in paragraph {locator} of {key}; "
                f"nearly the same words are in paragraph {number}. {differences}"
            )
    return f"These words are not in paragraph {locator} of {key} as written. Copy them exactly."


def fold(unit):
    """A unit as compared for a near miss: white space as one space, quotes
    straight, letters in lower case (kept as they are when lower case would
    take more than one character)."""
    if unit.isspace():
        return " "
    if unit in QUOTES:
        return QUOTES[unit][0]
    lower = unit.lower()
    return lower if len(lower) == 1 else unit


def near_miss(paragraph, phrase):
    """What the first passage of ``paragraph`` that differs from ``phrase`` only
    in quotes, letter case or white space has in place of the typed words, as
    sentences; None when there is no such passage."""
    text_units = UNITS.findall(paragraph)
    typed_units = UNITS.findall(phrase)
    folded_text = [fold(unit) for unit in text_units]
    folded_typed = [fold(unit) for unit in typed_units]
    size = len(typed_units)
    for start in range(len(text_units) - size + 1):
        if folded_text[start : start + size] == folded_typed:
            passage = text_units[start : start + size]
            return " ".join(describe(passage, typed_units))
    return None


def describe(passage, typed):
    """The differences between a passage and the typed units that fold the same,
    in the text's order: one sentence for each word or space that differs."""
    sentences = []
    first_word = True
    pairs = zip(passage, typed, strict=True)
    for is_space, group in groupby(pairs, key=lambda pair: pair[0].isspace()):
        text_units, typed_units = zip(*group, strict=True)
        if is_space:  # a run of white space is one unit
            text_run, typed_run = text_units[0], typed_units[0]
            if text_run != typed_run:
                typed_spaces = spaces(typed_run)
                if len(set(text_run + typed_run)) == 1:  # the same character, not as many
                    typed_spaces = apnumber(len(typed_run))  # "two spaces where you typed one"
                sentences.append(f"The text has {spaces(text_run)} where you typed {typed_spaces}.")
            continue
        if text_units != typed_units:
            sentences.append(word_difference(text_units, typed_units, first_word))
        first_word = False
    return sentences


def word_difference(text_units, typed_units, first):
    text_word, typed_word = "".join(text_units), "".join(typed_units)
    changed = [(a, b) for a, b in zip(text_units, typed_units, strict=True) if a != b]
    if all(a in QUOTES for a, _ in changed):
        names = ", ".join(dict.fromkeys(QUOTES[a][1] for a, _ in changed))
        return f"The text has “{text_word}” ({names}) where you typed “{typed_word}”."
    if first and changed == [(text_word[0], typed_word[0])] and text_word[0].isupper():
        return f"The text starts with a capital: “{text_word}”."
    if all(a.lower() == b.lower() for a, b in changed):
        return f"The text has “{text_word}” (letter case) where you typed “{typed_word}”."
    return f"The text has “{text_word}” where you typed “{typed_word}”."


def spaces(run):
    """A run of white space in words: "one space", "two spaces", "a line break"."""
    if "\n" in run or "\r" in run:
        return "a line break"
    if len(set(run)) == 1 and run[0] in SPACE_NAMES:
        singular, plural = SPACE_NAMES[run[0]]
        if len(run) == 1:
            return "one space" if run == " " else f"a {singular}"
        return f"{apnumber(len(run))} {plural}"
    return f"{apnumber(len(run))} white-space characters"
