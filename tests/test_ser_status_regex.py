"""t_check_status patterns: POSIX ERE searched unanchored in the 3-digit status."""

from __future__ import annotations

import pytest
from fixtures.ser.kit import analyze, at, failure
from hypothesis import given, settings
from hypothesis import strategies as st

from sip_lsp.dialects.ser.status_regex import admits, literal_codes, named, to_python
from sip_lsp.model import ALL_CODES


def test_single_digit_admits_every_code_containing_it():
    got = admits("6")
    assert {486, 560, 604, 106, 616} <= got
    assert 500 not in got and 404 not in got
    assert named("6") == frozenset()


def test_class_wildcard_is_unanchored():
    got = admits("[45].*")
    assert {604, 305, 204, 400, 599} <= got
    assert 300 not in got and 600 not in got
    assert named("[45].*") == frozenset(range(400, 600))


def test_anchored_alternation():
    assert admits("^(486|408)$") == {486, 408}
    assert named("^(486|408)$") == {486, 408}


def test_posix_bracket_class():
    assert admits("[[:digit:]]") == ALL_CODES
    assert admits("^6[[:digit:]][[:digit:]]$") == frozenset(range(600, 700))


def test_two_class_alternatives():
    assert admits("4[0-9][0-9]|5[0-9][0-9]") == frozenset(range(400, 600))


def test_unanchored_alternation_reaches_beyond_the_named_codes():
    got = admits("486|408")
    assert got == {486, 408}
    assert admits("48") == {c for c in ALL_CODES if "48" in str(c)}


@pytest.mark.parametrize(
    "pattern,inside",
    [
        ("[,|]", "literal comma and bar inside brackets"),
        ("[\\d]", "backslash is literal inside brackets"),
    ],
)
def test_bracket_literals(pattern, inside):
    assert admits(pattern) == frozenset(), inside


def test_backslash_d_is_not_a_digit_class_in_posix():
    # glibc ERE has no \d: it is a literal "d", so the pattern admits nothing.
    assert admits(r"4\d\d") == frozenset()
    assert to_python(r"\.") == r"\."


@pytest.mark.parametrize("bad", ["*", "[a", "(", "[[:nope:]]", "a{", "\\"])
def test_patterns_that_do_not_compile(bad):
    assert admits(bad) is None and named(bad) is None


def test_literal_codes_and_offsets():
    assert literal_codes("486|408") == (("486", 0, 3), ("408", 4, 7))
    assert literal_codes("^(401)$") == (("401", 2, 5),)
    assert literal_codes("(408)|(5..)") == (("408", 1, 4),)
    assert literal_codes("403|[5-6][0-9][0-9]") == (("403", 0, 3),)
    assert literal_codes("4860") == ()


def test_t_check_status_fact():
    text = failure('\tif (t_check_status("486|408")) {\n\t\texit;\n\t}\n')
    an = analyze(text)
    [test] = an.status_tests
    assert (test.kind, test.text, at(text, test.span)) == ("t_check_status", "486|408", "486|408")
    assert test.admits == {486, 408} and test.named == {486, 408}
    assert test.pattern_span == test.span
    assert test.in_failure_handler and test.possible == frozenset(range(300, 700))
    matched = [(c.code, at(text, c.span)) for c in an.code_sites if c.role.value == "matched"]
    assert matched == [(486, "486"), (408, "408")]


def test_invalid_pattern_is_recorded_admitting_nothing():
    text = failure('\tif (t_check_status("[5")) {\n\t\texit;\n\t}\n')
    [test] = analyze(text).status_tests
    assert test.admits == frozenset() and test.named == frozenset()


def test_escaped_string_maps_matched_codes_to_source():
    text = failure('\tif (t_check_status("^\\\\(486|408)$")) {\n\t\texit;\n\t}\n')
    an = analyze(text)
    [test] = an.status_tests
    assert test.text == "^\\\\(486|408)$"
    for c in an.code_sites:
        assert at(text, c.span) == c.text


def test_variable_pattern_is_not_a_test():
    text = failure('\tif (t_check_status("$avp(codes)")) {\n\t\texit;\n\t}\n')
    assert analyze(text).status_tests == []


def test_intervals():
    assert admits("^6[0-9]{2}$") == frozenset(range(600, 700))
    assert admits("^40{,1}4$") == {404}
    assert admits("4{}") is None


# The engines compile t_check_status patterns with glibc regcomp(REG_EXTENDED): use it as the oracle.
def _libc():
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return None
    libc = ctypes.CDLL(name)
    return libc if hasattr(libc, "regcomp") and hasattr(libc, "regexec") else None


LIBC = _libc()


def posix_admits(pattern):
    import ctypes

    regex_t = ctypes.create_string_buffer(1024)
    if LIBC.regcomp(regex_t, pattern.encode(), 1 | 8) != 0:  # REG_EXTENDED | REG_NOSUB
        return None
    try:
        return frozenset(c for c in ALL_CODES if LIBC.regexec(regex_t, str(c).encode(), 0, None, 0) == 0)
    finally:
        LIBC.regfree(regex_t)


needs_libc = pytest.mark.skipif(LIBC is None, reason="no C library regcomp")


@needs_libc
@pytest.mark.parametrize(
    "pattern",
    [
        "6",
        "[45].*",
        "^(486|408)$",
        "[[:digit:]]",
        r"4\d\d",
        r"[\d]",
        "a**",
        "4{,}",
        "4{,2}",
        "4{2,1}",
        "(4)\\1",
        "(4)\\2",
        "\\1(4)",
        "[]a]",
        "[^]a]",
        "^*",
        "4)",
        "x|",
        "()",
        "[[.4.]]",
        "[[=4=]]",
        "4??",
        "4*+",
        r"\w",
        r"\(",
        "{1}",
        "4{",
        "[a-",
        "(4|)",
        "[[:alpha:]]",
    ],
)
def test_translation_agrees_with_glibc(pattern):
    assert admits(pattern) == posix_admits(pattern)


@needs_libc
@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "4",
                "6",
                "0",
                "8",
                "[",
                "]",
                "^",
                "$",
                "(",
                ")",
                "|",
                "*",
                "+",
                "?",
                ".",
                "{",
                "}",
                ",",
                "1",
                "2",
                "-",
                "[:digit:]",
                ":",
                "a",
            ]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_patterns_agree_with_glibc(parts):
    pattern = "".join(parts)
    assert admits(pattern) == posix_admits(pattern)
