from extract import chunking
from schemas import Extraction


def test_long_text_is_split_at_paragraphs_without_losing_text():
    paragraphs = [f"Paragraph {i}. " + "word " * 120 for i in range(40)]
    text = "\n\n".join(paragraphs)
    chunks = chunking.split(text, 3000)
    assert len(chunks) > 1 and all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_a_paragraph_longer_than_the_limit_is_split_not_cut():
    text = "x" * 7500
    chunks = chunking.split(text, 3000)
    assert [len(c) for c in chunks] == [3000, 3000, 1500]


def test_merge_unites_the_same_event_seen_in_two_chunks():
    t = {"supplier": "Germany", "recipient": "Ukraine", "weapon": {"name": "IRIS-T SLM", "category": "air_defence"},
         "certainty": "confirmed"}
    actors = [{"evidence": ["a"], "name": "Germany", "kind": "state"}, {"evidence": ["b"], "name": "Ukraine",
                                                                         "kind": "state"}]
    one = Extraction.model_validate({"actors": actors, "transfers": [{**t, "evidence": ["first"], "confidence": 0.6}]})
    two = Extraction.model_validate({"actors": actors, "transfers": [{**t, "evidence": ["second"], "confidence": 0.8}]})
    merged = chunking.merge([one, two])
    assert len(merged.transfers) == 1
    assert merged.transfers[0].evidence == ["first", "second"] and merged.transfers[0].confidence == 0.8
    assert len(merged.actors) == 4  # actors are merged later, by normalise


def test_each_chunk_knows_the_part_of_the_text_it_covers():
    paragraphs = [f"Paragraph {i}. " + "word " * 120 for i in range(12)] + ["x" * 3500 + ". The end."]
    text = "\n\n \n".join(paragraphs)
    spans = chunking.split_spans(text, 3000)
    assert [chunk for chunk, _ in spans] == chunking.split(text, 3000) and len(spans) > 2
    for chunk, (start, end) in spans:  # the same characters, up to the blank lines that join paragraphs
        assert "".join(chunk.split()) == "".join(text[start:end].split())
        assert text[start:start + 40] == chunk[:40]
    assert [start for _, (start, _) in spans] == sorted({start for _, (start, _) in spans})
