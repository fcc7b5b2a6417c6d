"""Deployments found without a model (extract/deployment_finder.py) on crafted sentences: the sender
from an adjective of nationality next to a word for soldiers, a sending verb or "its soldiers", the
host after "in"/"to"/"spre"/"в", on "Ukrainian bases" or beside fighting forces; attacks, training
abroad and jets are not deployments."""

import pytest

from extract import deployment_finder, small, windows
from extract.demonyms import demonym_of


def _found(text: str, lang: str) -> list[tuple[str, str]]:
    names = small.candidates(text, lang)
    return [(s, h) for s, h, _ in deployment_finder.find(names, windows.sentences(text))]


@pytest.mark.parametrize(("text", "lang", "pair"), [
    ("Seoul said more than 10,000 North Korean soldiers are now deployed in Russia.", "en",
     ("North Korea", "Russia")),
    ("Alți câțiva zeci de militari români au fost trimiși în Polonia la sfârșitul lunii.", "ro", ("Romania", "Poland")),
    ("Selon Moscou, des techniciens militaires français accompagnent les Mirage sur les bases ukrainiennes.", "fr",
     ("France", "Ukraine")),
    ("Rwanda has again denied that its soldiers are fighting alongside the M23 rebels.", "en", ("Rwanda", "M23")),
    ("Potrivit presei ruse, militari români ar fi fost trimiși să lupte alături de forțele ucrainene.", "ro",
     ("Romania", "Ukraine")),
    ("وتنشر إثيوبيا منذ سنوات نحو ثلاثة آلاف جندي في الصومال.", "ar", ("Ethiopia", "Somalia")),
    ("За даними розвідки, у Білорусі перебуває до 2 тисяч російських військових.", "uk", ("Russia", "Belarus")),
    ("North Korea sent about 1,500 special forces soldiers to Russia's Far East for training.", "en",
     ("North Korea", "Russia")),
])
def test_plain_deployments_are_found(text, lang, pair):
    assert _found(text, lang) == [pair]


@pytest.mark.parametrize(("text", "lang"), [
    ("Russian troops invaded Ukraine in February 2022.", "en"),  # against the host, not sent to it
    ("More than 10,000 Ukrainian soldiers have been trained in Germany since 2022.", "en"),
    ("Des soldats belges servent aux côtés des Français, avec des chars Leclerc.", "fr"),  # beside, not fighting
    ("Claims in the Russian press about Polish volunteers were dismissed by Warsaw.", "en"),  # no host named
    ("Poland moved its own troops to the border with Belarus.", "en"),  # no host: a domestic move
])
def test_no_deployment_without_a_plain_sender_and_host(text, lang):
    assert _found(text, lang) == []


def test_size_forces_and_certainty_come_from_the_sentence():
    text = ("Moscow rejected the report. It said that more than 10,000 North Korean soldiers were in Russia, "
            "according to Seoul's intelligence service.")
    sents = windows.sentences(text)
    assert deployment_finder.size(sents[1].text) == 10_000
    assert deployment_finder.forces(sents[1].text) == "North Korean soldiers"
    assert deployment_finder.certainty(sents, 1) == "denied"  # the sentence before denies it
    assert deployment_finder.certainty(windows.sentences("Seoul said 300 Korean troops arrived in Poland."), 0) == \
        "confirmed"
    assert deployment_finder.size("у Білорусі перебуває до 2 тисяч російських військових") == 2000


def test_inflected_adjectives_of_nationality():
    for word, state in [("ukrainiennes", "Ukraine"), ("români", "Romania"), ("russischen", "Russia"),
                        ("rusos", "Russia"), ("російських", "Russia"), ("North Korean", "North Korea")]:
        assert demonym_of(word) is not None and demonym_of(word).name == state, word
    assert demonym_of("there") is None


def test_the_model_is_asked_about_deployments_only_with_the_rules_switched_off(monkeypatch):
    assert "deployments" not in small.asked() and "transfers" in small.asked()
    monkeypatch.setenv("SITREP_SMALL_ABLATE", "deployment_finder")
    assert "deployments" in small.asked()
