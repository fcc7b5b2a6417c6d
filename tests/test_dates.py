"""Months named in a sentence (extract/dates.py), for dating the small strategy's meetings."""

from extract import small, windows
from extract.dates import month
from extract.small_records import build


def test_months_in_the_supported_languages():
    assert month("At the Vostochny Cosmodrome on 13 September 2023, he and Putin held talks", "2024-11-05") == "2023-09"
    assert month("On 19 June, after talks with Kim in Pyongyang", "2024-11-05") == "2024-06"
    assert month("У серпні 2023 року Зеленський відвідав Данію", "2024-08-04") == "2023-08"
    assert month("去年3月，习近平对俄罗斯进行国事访问", "2024-05-17") == "2023-03"
    assert month("同年10月，普京来华", "2024-05-17") == "2023-10"  # a month yet to come is last year's


def test_words_that_only_look_like_months_and_starts_of_other_things():
    assert month("He may meet Xi next week", "2024-05-17") is None
    assert month("Cei doi s-au întâlnit de mai multe ori", "2024-05-17") is None
    assert month("Ukraine has used it since April 2022", "2024-05-17") is None
    assert month("Тоді ж Зеленський відвідав авіабазу", "2024-08-04") is None


def test_two_summits_of_the_same_leaders_are_two_meetings():
    text = ("Seoul, 5 November 2024\n\nIn September 2023 Kim Jong Un met Vladimir Putin at Vostochny. "
            "In June 2024 Vladimir Putin met Kim Jong Un again in Pyongyang.")
    names = small.candidates(text, "en")
    sents = windows.sentences(text)
    meetings = build({"transfers": [], "meetings": [], "deployments": []}, names, sents, text, [], lexicon_on=True,
                     roles_on=True, published="2024-11-05").meetings
    assert sorted(m.when.start or "" for m in meetings) == ["", "2023-09", "2024-06"]
    assert all(sorted(m.participants) == ["Kim Jong Un", "Vladimir Putin"] for m in meetings)
