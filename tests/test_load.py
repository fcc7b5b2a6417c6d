from pathlib import Path

import pytest

from extract.load import LoadError, load_path, strip_boilerplate
from tests.conftest import ROOT

PAYWALLED = """Luni, 3 martie 2025

Bulgaria primește primele avioane F-16

Bulgaria a primit primul avion F-16 Block 70 de la Statele Unite, a anunțat ministerul apărării.

Mai sunt 60% din acest articol de citit, Abonează-te pentru a-l accesa!

Reclamă
Drepturi de autor : Reproducerea, chiar parțială, a acestui articol este interzisă.
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_paywall_and_copyright_never_reach_the_prompt(tmp_path):
    doc = load_path(write(tmp_path, "a.txt", PAYWALLED.encode()))
    assert doc.language == "ro"
    assert doc.published == "2025-03-03"
    assert doc.title == "Bulgaria primește primele avioane F-16"
    assert "F-16 Block 70" in doc.prompt_text
    assert "Abonează" not in doc.prompt_text and "Drepturi" not in doc.prompt_text
    assert "Drepturi de autor" in doc.text  # stored text stays whole: offsets refer to it


def test_site_boilerplate_is_cut():
    doc = load_path(ROOT / "evals" / "gold" / "ro-polonia-apache-boilerplate.txt")
    assert doc.published == "2024-08-13" and doc.language == "ro"
    assert "Citește și" not in doc.prompt_text and "Reclamă" not in doc.prompt_text
    assert "drepturile rezervate" not in doc.prompt_text and "Abonamentele" not in doc.prompt_text
    assert "Inowrocław" in doc.prompt_text


def test_latin1_file_is_decoded(tmp_path):
    text = "Paris, le 5 février 2024. La France livrera des canons Caesar à l'Arménie, a déclaré le ministère."
    doc = load_path(write(tmp_path, "fr.txt", text.encode("latin-1")))
    assert "février" in doc.text and doc.language == "fr"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("doc.pdf", b"%PDF-1.4", "unsupported"),
])
def test_bad_files_give_clear_errors(tmp_path, name, data, message):
    with pytest.raises(LoadError, match=message):
        load_path(write(tmp_path, name, data))


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_path(tmp_path / "nope.txt")


def test_html_is_reduced_to_article_text(tmp_path):
    html = """<html><head><title>Poland orders K2 tanks</title>
    <meta property="article:published_time" content="2022-07-27"></head><body>
    <nav>Home | World | Defence | Subscribe</nav>
    <article><h1>Poland orders K2 tanks</h1>
    <p>Poland signed a framework agreement with South Korea for 980 K2 Black Panther tanks, the defence
    ministry in Warsaw said on Wednesday, in one of the largest tank orders in Europe in decades.</p>
    <p>The first 180 tanks are to be delivered from the end of this year, officials said.</p></article>
    <footer>Copyright 2022 Example News. All rights reserved.</footer></body></html>"""
    doc = load_path(write(tmp_path, "k2.html", html.encode()))
    assert "980 K2 Black Panther tanks" in doc.text
    assert "Home | World" not in doc.text
    assert doc.published == "2022-07-27"


def test_strip_boilerplate_keeps_ordinary_text():
    text = "Romania buys Patriot systems.\nThe contract was signed in Bucharest."
    assert strip_boilerplate(text) == text


def test_photo_tags_go_but_their_captions_stay():
    text = ("Seoul, 5 March 2024\n\nKim visits the front\n\nThe visit was announced on Monday.\n\n"
            "KIm jong un Su-57 Moscova septembrie 2023\n"
            "Kim Jong Un într-un cockpit Su-57 în timpul vizitei sale în Rusia în septembrie 2023\n\n"
            "Norway Sends NASAMS To Ukraine\nThe government in Oslo approved the package on Friday.")
    out = strip_boilerplate(text)
    assert "KIm jong un" not in out and "Kim Jong Un într-un cockpit Su-57" in out
    assert "Norway Sends NASAMS To Ukraine" in out  # a headline not repeated below is kept


def test_prompt_text_is_computed_once(monkeypatch):
    import extract.load as load

    calls = []
    real = load.strip_boilerplate
    monkeypatch.setattr(load, "strip_boilerplate", lambda text: calls.append(text) or real(text))
    doc = load.document_from_text("Oslo, 4 June 2024\n\nNorway sends NASAMS to Ukraine.\n")
    calls.clear()  # language and title detection read the text too
    assert doc.prompt_text == doc.prompt_text and "NASAMS" in doc.prompt_text
    assert len(calls) == 1


def test_read_also_links_and_labelled_captions_are_furniture():
    """The gold convention: "read also" links, labelled photo captions and subscription lines give no
    record; a sentence that merely uses the word stays."""
    furniture = ["Also read: China to supply 40 J-35 fighters to Pakistan", "Lire aussi : la France livre des Rafale",
                 "Mehr zum Thema: Neutralität im Wandel", "Читайте також: Польща отримала F-35",
                 "Photo caption: A KAAN mock-up at Indo Defence.", "Bildunterschrift: Eine M-346 in Venegono.",
                 "اقرأ أيضا: مصر تتسلم طائرات رافال", "Subscribe to our Asia Defence Weekly newsletter."]
    body = ["Germany delivered IRIS-T SLM to Ukraine.", "The caption contest was won by Poland."]
    assert strip_boilerplate("\n".join([*furniture, *body])) == "\n".join(body)
