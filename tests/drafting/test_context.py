"""A sentence in its paragraph: blank-line and one-line paragraphs, long ones cut."""

from forecasts.drafting.context import in_paragraph, paragraph_of, paragraphs


def test_one_paragraph_a_line_when_there_are_no_blank_lines():
    assert paragraphs("First one. Two.\nSecond.\n\n") == ["First one. Two.", "Second."]


def test_blank_lines_separate_paragraphs_of_hard_wrapped_text():
    text = "First line\nwrapped here.\n\nSecond paragraph."
    assert paragraphs(text) == ["First line\nwrapped here.", "Second paragraph."]


def test_the_sentence_is_found_inside_its_paragraph():
    text = "Intro.\nRates fell. Rates will probably rise again. Or not.\nEnd."
    found = in_paragraph(text, "Rates will probably rise again.")
    assert (found.before, found.sentence, found.after) == (
        "Rates fell. ",
        "Rates will probably rise again.",
        " Or not.",
    )
    assert found.paragraph == "Rates fell. Rates will probably rise again. Or not."


def test_a_long_paragraph_is_cut_at_words_around_the_sentence():
    text = "word " * 300 + "It will rain. " + "more " * 300
    found = in_paragraph(text, "It will rain.", limit=50)
    assert found.before.startswith("…word") and len(found.before) <= 52
    assert found.after.endswith("more…") and len(found.after) <= 52
    assert paragraph_of(text, "It will rain.") == text.strip()


def test_a_sentence_not_in_the_text_stands_alone():
    assert paragraph_of("Something else.", "It will rain.") == "It will rain."
