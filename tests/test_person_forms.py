"""Declined Cyrillic names of persons are one person (extract/person_forms.py)."""

from extract import small
from extract.person_forms import known_person, same_name


def _people(text: str, lang: str) -> dict[str, list[str]]:
    return {c.name: [m.surface for m in c.mentions] for c in small.candidates(text, lang).people}


def test_a_declined_name_is_the_gazetteer_person():
    assert known_person("Володимиром Зеленським").name == "Volodymyr Zelensky"
    assert known_person("Владимиром Путиным").name == "Vladimir Putin"
    assert known_person("Ульфом Крістерссоном").name == "Ulf Kristersson"  # by its Latin spelling
    assert known_person("Ivan Petrenko") is None and known_person("Іваном Петренком") is None


def test_forms_of_one_name_and_different_names():
    assert same_name("Каролем Навроцьким", "Кароль Навроцький")
    assert same_name("Також Володимиром Зеленським", "Володимир Зеленський")  # a sentence's first word
    assert not same_name("Олександр Сирський", "Олександр Литвиненко")
    assert not same_name("Зеленським", "Зеленський")  # one word is too little to go on


def test_the_document_lists_each_person_once():
    text = ("Президент України Володимир Зеленський провів розмову з прем'єром Швеції Ульфом Крістерссоном. "
            "Також Володимиром Зеленським підписано указ. Прем'єр Іван Петренко відвідав Київ, а з прем'єром "
            "Іваном Петренком зустрівся мер.")
    people = _people(text, "uk")
    assert set(people) == {"Volodymyr Zelensky", "Ulf Kristersson", "Іван Петренко"}
    assert len(people["Volodymyr Zelensky"]) == 2 and len(people["Іван Петренко"]) == 2
