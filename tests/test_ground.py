import pytest

from extract.ground import locate

TEXT = ("Phenianul a continuat să ofere Moscovei tot\n  sprijinul „posibil” în acest conflict — inclusiv "
        "prin disocierea de Beijing. Kim Jong Un a vizitat personal Rusia.")


def span_text(quote: str) -> tuple[str, str | None]:
    span = locate(quote, TEXT)
    return span.method, None if span.start is None else TEXT[span.start : span.end]


def test_exact_quote_gets_exact_offsets():
    assert span_text("să ofere Moscovei") == ("exact", "să ofere Moscovei")


def test_line_breaks_and_runs_of_spaces():
    assert span_text("Moscovei tot sprijinul") == ("folded", "Moscovei tot\n  sprijinul")


def test_curly_quotes_and_dashes():
    method, found = span_text('sprijinul "posibil" în acest conflict - inclusiv')
    assert method == "folded" and found == "sprijinul „posibil” în acest conflict — inclusiv"


@pytest.mark.parametrize("variant", ["să ofere", "sa ofere", "SĂ OFERE"])
def test_diacritic_and_case_variants(variant):
    method, found = span_text(variant)
    assert found == "să ofere" and method in {"exact", "deep"}


def test_cedilla_variant_of_comma_below():
    text = "forțele armate ruse"  # ț with comma below
    span = locate("forţele armate ruse", text)  # ţ with cedilla
    assert span.method == "folded" and (span.start, span.end) == (0, len(text))


def test_near_miss_is_located_but_not_grounded():
    span = locate("Kim Jong Un a vizitat personal Rusiaa", TEXT)
    assert span.method == "fuzzy" and not span.grounded
    assert TEXT[span.start : span.end].startswith("Kim Jong Un a vizitat")


def test_absent_quote_is_none_not_an_error():
    span = locate("North Korea sent tanks to Venezuela", TEXT)
    assert (span.method, span.start, span.grounded) == ("none", None, False)
