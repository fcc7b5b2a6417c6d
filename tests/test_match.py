"""Matching on crafted cases; every test asserts exact numbers."""

import pytest

from evals.match import Pred, match_document
from evals.score import DocScore, attribute_hits, brier, ece, micro
from schemas import Extraction
from schemas.gold import GoldFile

A = {"kind": "state", "evidence": ["q"]}


def gold(**lists) -> GoldFile:
    return GoldFile.model_validate({"format": "gold/1", "document": {"id": "d", "text_file": "d.txt"}, **lists})


def preds(**lists) -> dict[str, list[Pred]]:
    ex = Extraction.model_validate(lists)
    return {k: [Pred(r, r.confidence) for r in getattr(ex, k)] for k in ("actors", "transfers", "meetings",
                                                                           "deployments")}


def counts(results, kind):
    r = results[kind]
    return r.count("tp"), r.count("fp"), r.count("fn"), r.count("optional")


NK = {"name": "North Korea", "aliases": ["Phenian", "DPRK"], "kind": "state", "country": "PRK"}
RU = {"name": "Russia", "aliases": ["Moscova", "Kremlin"], "kind": "state", "country": "RUS"}


def transfer(supplier, recipient, weapon, category="missile", **kw):
    return {"evidence": ["q"], "supplier": supplier, "recipient": recipient,
            "weapon": {"name": weapon, "category": category}, "certainty": "confirmed", **kw}


def test_alias_and_diacritics_match_actors():
    g = gold(actors=[NK, RU, {"name": "Kim Yong-hyun", "kind": "person"}])
    p = preds(actors=[{**A, "name": "Phenian"}, {**A, "name": "moscova"}, {**A, "name": "Kim Yong Hyun",
                                                                            "kind": "person"}])
    assert counts(match_document(p, g), "actors") == (3, 0, 0, 0)


def test_diacritics_and_case_are_ignored_in_names():
    g = gold(actors=[{"name": "Aleksandar Vučić", "kind": "person"}, {"name": "Angel Tîlvăr", "kind": "person"}])
    p = preds(actors=[{**A, "name": "ALEKSANDAR VUCIC", "kind": "person"},
                      {**A, "name": "angel tilvar", "kind": "person"}])
    assert counts(match_document(p, g), "actors") == (2, 0, 0, 0)


def test_fuzzy_near_miss_counts_but_far_miss_does_not():
    g = gold(actors=[{"name": "Oleksii Reznikov", "kind": "person"}, {"name": "Lloyd Austin", "kind": "person"}])
    p = preds(actors=[{**A, "name": "Oleksii Reznikow", "kind": "person"},  # ratio ≈ 94
                      {**A, "name": "Lloyd Austen III", "kind": "person"}])  # ratio < 90
    assert counts(match_document(p, g), "actors") == (1, 1, 1, 0)


def test_optional_gold_is_neither_tp_fp_nor_fn():
    g = gold(actors=[NK, {"name": "China", "kind": "state", "optional": True},
                     {"name": "United Nations", "kind": "international_org", "optional": True}])
    p = preds(actors=[{**A, "name": "North Korea"}, {**A, "name": "China"}])
    result = match_document(p, g)
    assert counts(result, "actors") == (1, 0, 0, 1)
    assert micro([DocScore("d", "ok", result)])["actors"]["f1"] == 1.0


def test_duplicate_predictions_collapse_to_the_most_confident():
    g = gold(actors=[NK, RU], transfers=[{**transfer("North Korea", "Russia", "Hwasong-11A"),
                                          "weapon": {"name": "Hwasong-11A", "aliases": ["KN-23"],
                                                     "category": "missile"}}])
    p = preds(actors=[{**A, "name": "North Korea", "aliases": ["Phenian"]},
                      {**A, "name": "Russia", "aliases": ["Moscova"]}],
              transfers=[transfer("North Korea", "Russia", "KN-23", confidence=0.4),
                         transfer("Phenian", "Moscova", "Hwasong-11A", confidence=0.9)])
    result = match_document(p, g)
    assert counts(result, "transfers") == (1, 0, 0, 0)
    assert result["transfers"].pairs[0].pred.confidence == 0.9


def test_one_to_one_assignment_maximises_matches():
    # two gold meetings with the same people at different dates; predictions must pair by date
    people = [{"name": "Kim Jong Un", "kind": "person"}, {"name": "Vladimir Putin", "kind": "person"}]
    meeting = {"participants": ["Kim Jong Un", "Vladimir Putin"], "certainty": "confirmed"}
    g = gold(actors=people, meetings=[{**meeting, "when": {"start": "2019-04"}},
                                      {**meeting, "when": {"start": "2023-09"}}])
    pa = [{**A, "kind": "person", "name": "Kim Jong Un"}, {**A, "kind": "person", "name": "Vladimir Putin"}]
    p = preds(actors=pa, meetings=[{**meeting, "evidence": ["q"], "when": {"start": "2023-09-13"}},
                                   {**meeting, "evidence": ["q"], "when": {"start": "2019"}}])
    assert counts(match_document(p, g), "meetings") == (2, 0, 0, 0)


def test_when_overlap_rules_meetings_in_strict_but_not_lenient_mode():
    people = [{"name": "Joe Biden", "kind": "person"}, {"name": "Xi Jinping", "kind": "person"}]
    g = gold(actors=people, meetings=[{"participants": ["Joe Biden", "Xi Jinping"], "certainty": "confirmed",
                                       "when": {"start": "2024-11-16", "end": "2024-11-16"}}])
    p = preds(actors=[{**A, "kind": "person", "name": "Biden"}, {**A, "kind": "person", "name": "Xi Jinping"}],
              meetings=[{"evidence": ["q"], "participants": ["Biden", "Xi Jinping"], "certainty": "confirmed",
                         "when": {"start": "2023-11"}}])
    # "Biden" is no alias of "Joe Biden" and ratio < 90: participants Jaccard = 1/3 → no match either way
    assert counts(match_document(p, g), "meetings") == (0, 1, 1, 0)
    g.actors[0].aliases.append("Biden")
    assert counts(match_document(p, g, "strict"), "meetings") == (0, 1, 1, 0)
    assert counts(match_document(p, g, "lenient"), "meetings") == (1, 0, 0, 0)


def test_generic_gold_weapon_matches_on_category_and_lenient_ignores_name():
    g = gold(actors=[NK, RU], transfers=[
        {**transfer("North Korea", "Russia", "artillery shells", "ammunition"),
         "quantity": {"min": 200000, "max": 999999}},
        transfer("North Korea", "Russia", "Hwasong-11A")])
    p = preds(actors=[{**A, "name": "North Korea"}, {**A, "name": "Russia"}],
              transfers=[transfer("North Korea", "Russia", "152mm rounds", "ammunition",
                                  quantity={"min": 300000, "max": 300000}),
                         transfer("North Korea", "Russia", "Iskander", "missile")])
    strict = match_document(p, g)
    assert counts(strict, "transfers") == (1, 1, 1, 0)
    assert attribute_hits(strict)["transfers.quantity"] == [True]
    assert counts(match_document(p, g, "lenient"), "transfers") == (2, 0, 0, 0)


def test_quantity_outside_the_gold_range_is_an_attribute_miss():
    g = gold(actors=[NK, RU], transfers=[{**transfer("North Korea", "Russia", "shells", "ammunition"),
                                          "quantity": {"min": 1000000, "max": None}}])
    p = preds(actors=[{**A, "name": "North Korea"}, {**A, "name": "Russia"}],
              transfers=[transfer("North Korea", "Russia", "shells", "ammunition", quantity={"min": 500, "max": 500})])
    assert attribute_hits(match_document(p, g))["transfers.quantity"] == [False]


def test_empty_gold_negative_document():
    clean = match_document(preds(), gold())
    assert micro([DocScore("d", "ok", clean)])["micro"] == pytest.approx(
        {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 0, "fp": 0, "fn": 0})
    noisy = match_document(preds(actors=[{**A, "name": "Atlantis"}]), gold())
    assert micro([DocScore("d", "ok", noisy)])["micro"]["precision"] == 0.0


def test_deployments_match_on_sender_and_host():
    g = gold(actors=[NK, RU], deployments=[{"sender": "North Korea", "host": "Russia", "forces": "soldiers",
                                            "certainty": "confirmed"}])
    p = preds(actors=[{**A, "name": "DPRK"}, {**A, "name": "Russia"}],
              deployments=[{"evidence": ["q"], "sender": "DPRK", "host": "Russia", "forces": "troops",
                            "certainty": "reported"},
                           {"evidence": ["q"], "sender": "Russia", "host": "DPRK", "forces": "x",
                            "certainty": "reported"}])
    result = match_document(p, g)
    assert counts(result, "deployments") == (1, 1, 0, 0)
    assert attribute_hits(result)["deployments.certainty"] == [False]


def test_ungrounded_prediction_lowers_calibration_through_its_confidence():
    g = gold(actors=[NK])
    p = preds(actors=[{**A, "name": "North Korea", "confidence": 0.9}, {**A, "name": "Narnia", "confidence": 0.8}])
    p["actors"][1].confidence = 0.4  # what the pipeline does to an ungrounded record (0.8 × 0.5)
    p["actors"][1].grounded = False
    pairs = [(0.9, 1), (0.4, 0)]
    result = match_document(p, g)
    from evals.score import calibration_pairs

    assert sorted(calibration_pairs(result), reverse=True) == pairs
    assert brier(pairs) == pytest.approx((0.1**2 + 0.4**2) / 2)
    assert ece(pairs) == pytest.approx((0.1 + 0.4) / 2)


# --- the cases that broke the first-match keys ------------------------------------------------------
US, UA, PL = ({"name": n, "kind": "state", "country": c} for n, c in
              (("United States", "USA"), ("Ukraine", "UKR"), ("Poland", "POL")))
ACTORS = [{**A, "name": n} for n in ("United States", "Ukraine", "Poland")]


def test_several_generic_items_of_one_category_between_the_same_parties_all_count():
    items = ["rockets", "landmines", "artillery rounds"]
    g = gold(actors=[US, UA], transfers=[transfer("United States", "Ukraine", w, "ammunition") for w in items])
    for order in (items, items[::-1]):
        p = preds(actors=ACTORS[:2], transfers=[transfer("United States", "Ukraine", w, "ammunition") for w in order])
        result = match_document(p, g)
        assert counts(result, "transfers") == (3, 0, 0, 0)
        assert {(x.pred.record.weapon.name, x.gold.weapon.name) for x in result["transfers"].pairs} \
            == {(w, w) for w in items}


def test_one_weapon_to_two_recipients_pairs_by_recipient():
    to_ua = transfer("United States", "Ukraine", "HIMARS", "artillery", status="agreed")
    to_pl = transfer("United States", "Poland", "HIMARS", "artillery", status="delivered")
    g = gold(actors=[US, UA, PL], transfers=[to_ua, to_pl])
    both = preds(actors=ACTORS, transfers=[to_pl, to_ua])
    result = match_document(both, g)
    assert counts(result, "transfers") == (2, 0, 0, 0)
    assert attribute_hits(result)["transfers.status"] == [True, True]
    one = preds(actors=ACTORS, transfers=[to_pl])
    result = match_document(one, g)
    assert counts(result, "transfers") == (1, 0, 1, 0)
    assert [x.gold.recipient for x in result["transfers"].pairs if x.outcome == "tp"] == ["Poland"]


def test_an_exact_alias_match_beats_a_category_fallback():
    shells = transfer("United States", "Ukraine", "artillery shells", "ammunition", status="delivered")
    guided = {**transfer("United States", "Ukraine", "Excalibur", "ammunition", status="agreed"),
              "weapon": {"name": "Excalibur", "aliases": ["guided shells"], "category": "ammunition"}}
    g = gold(actors=[US, UA], transfers=[shells, guided])
    p = preds(actors=ACTORS[:2], transfers=[transfer("United States", "Ukraine", "guided shells", "ammunition",
                                                     status="agreed")])
    result = match_document(p, g)
    assert counts(result, "transfers") == (1, 0, 1, 0)
    assert [x.gold.weapon.name for x in result["transfers"].pairs if x.outcome == "tp"] == ["Excalibur"]
    p = preds(actors=ACTORS[:2], transfers=[transfer("United States", "Ukraine", "guided shells", "ammunition"),
                                            transfer("United States", "Ukraine", "152mm shells", "ammunition")])
    assert counts(match_document(p, g), "transfers") == (2, 0, 0, 0)


def test_a_false_claim_repeated_counts_once_and_a_repeat_of_a_match_is_a_duplicate():
    g = gold(actors=[US, UA], transfers=[transfer("United States", "Ukraine", "HIMARS", "artillery")])
    p = preds(actors=ACTORS[:2], transfers=[transfer("United States", "Ukraine", "HIMARS", "artillery"),
                                            transfer("United States", "Ukraine", "HIMARS", "artillery"),
                                            transfer("Ukraine", "United States", "Zorg-9", "ship"),
                                            transfer("Ukraine", "United States", "zorg 9", "ship")])
    result = match_document(p, g)
    assert counts(result, "transfers") == (1, 1, 0, 0)
    assert result["transfers"].count("duplicate") == 2


def test_the_same_claim_twice_is_one_prediction_even_where_two_generic_gold_records_fit():
    g = gold(actors=[US, UA], transfers=[transfer("United States", "Ukraine", "ballistic missile parts"),
                                         transfer("United States", "Ukraine", "cruise missile parts")])
    twice = [transfer("United States", "Ukraine", "rockets", confidence=c) for c in (0.3, 0.7)]
    result = match_document(preds(actors=ACTORS[:2], transfers=twice), g)
    assert counts(result, "transfers") == (1, 0, 1, 0) and result["transfers"].count("duplicate") == 1
    assert [x.pred.confidence for x in result["transfers"].pairs if x.outcome == "tp"] == [0.7]
