"""Consolidation of reports into facts: the dating rule, ranges, status, certainty by source."""

from datetime import date
from functools import partial

from extract.facts import GAP_DAYS, build, cluster, day_range, window
from schemas import kinds

transfer_facts = partial(build, kinds.get("transfers"))


def report(doc: str, idx: int = 0, **kw) -> dict:
    base = {"doc_id": doc, "run_id": f"r-{doc}", "record_idx": idx,
            "supplier_id": "state:PRK", "supplier": "North Korea", "recipient_id": "state:RUS", "recipient": "Russia",
            "weapon_id": "weapon:hwasong-11a", "weapon": "Hwasong-11A", "category": "missile",
            "quantity_min": None, "quantity_max": None, "status": "unknown", "certainty": "reported",
            "when_start": None, "when_end": None, "published": None, "confidence": 0.5, "grounded": True,
            "quote": f"quote in {doc}"}
    return {**base, **kw}


def test_partial_dates_stand_for_their_whole_period():
    assert day_range("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert day_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert day_range("2024-02-10") == (date(2024, 2, 10), date(2024, 2, 10))
    assert day_range("soon") is None
    assert window(report("a", published="2024-11-20")) == (date(2024, 9, 21), date(2024, 11, 20))
    assert window(report("a", when_start="2024-06", when_end="2024-11", published="2025-01-01")) == (
        date(2024, 6, 1), date(2024, 11, 30))


def test_dating_rule_splits_distant_reports_and_chains_close_ones():
    reports = [report("a", when_start="2024-06", when_end="2024-11"), report("b", published="2024-11-20"),
               report("c", when_start="2022-01-10"), report("d", when_start="2022-04-05"),
               report("e")]  # no date at all: joins the earliest fact of its key
    facts = cluster(reports, lambda r: (r["supplier_id"], r["recipient_id"], r["weapon_id"]))
    docs = sorted(sorted(r["doc_id"] for r in f) for f in facts)
    assert (date(2022, 4, 5) - date(2022, 1, 10)).days <= GAP_DAYS
    assert docs == [["a", "b"], ["c", "d", "e"]]


def test_other_weapon_or_party_is_another_fact():
    reports = [report("a", when_start="2024-06"), report("b", when_start="2024-06", weapon_id="weapon:x"),
               report("c", when_start="2024-06", recipient_id="state:IRN")]
    assert len(transfer_facts(reports)) == 3


def test_fact_columns_ranges_status_certainty_and_dispute():
    reports = [report("a", when_start="2024-06", when_end="2024-11", quantity_min=50, quantity_max=50,
                      status="delivered", published="2024-11-14", confidence=0.85),
               report("b", 0, published="2024-11-20", quantity_min=24, status="delivering", confidence=0.8),
               report("b", 1, published="2024-11-20", certainty="denied", confidence=0.95, grounded=True,
                      quote="Peskov denied"),
               report("c", published="2024-10-01", status="agreed", certainty="alleged", grounded=False,
                      confidence=0.99, quote="not in the text")]
    [(fact, members)] = transfer_facts(reports)
    assert len(members) == 4
    assert fact["n_sources"] == 3 and fact["n_reports"] == 4
    assert fact["doc_ids"] == ["c", "a", "b"]  # by publication date
    assert (fact["first_seen"], fact["last_seen"]) == ("2024-10-01", "2024-11-20")
    assert (fact["when_start"], fact["when_end"]) == ("2024-06", "2024-11")
    assert (fact["quantity_min"], fact["quantity_max"]) == (24, 50)
    assert fact["status"] == "delivered"
    assert fact["certainty_by_source"] == "2 reported, 1 alleged, 1 denied"
    assert fact["disputed"] is True
    assert fact["best_quote"] == "quote in a" and fact["best_doc_id"] == "a"  # grounded, firmest, most confident
    assert fact["fact_id"].startswith("T-") and fact["fact_id"] == transfer_facts(list(reversed(reports)))[0][0][
        "fact_id"]


def test_denial_alone_or_allegation_against_denial_is_not_disputed():
    only_denied = transfer_facts([report("a", certainty="denied", when_start="2024")])[0][0]
    alleged = transfer_facts([report("a", certainty="denied", when_start="2024"),
                              report("b", certainty="alleged", when_start="2024")])[0][0]
    both = transfer_facts([report("a", certainty="denied", when_start="2024"),
                           report("b", certainty="confirmed", when_start="2024")])[0][0]
    assert (only_denied["disputed"], alleged["disputed"], both["disputed"]) == (False, False, True)


def test_meetings_by_participant_set_and_deployments_by_sender_and_host():
    meeting_facts, deployment_facts = partial(build, kinds.get("meetings")), partial(build, kinds.get("deployments"))

    def meeting(doc, ids, names, **kw):
        return {**report(doc, **kw), "participant_ids": ids, "participants": names, "place": kw.get("place"),
                "country": None, "format": "summit"}

    meetings = meeting_facts([
        meeting("a", ["state:PRK", "state:RUS"], ["North Korea", "Russia"], when_start="2023-09-13", place="Vostochny"),
        meeting("b", ["state:RUS", "state:PRK"], ["Russia", "North Korea"], published="2023-09-14",
                place="Vostochny Cosmodrome"),
        meeting("c", ["state:RUS", "state:PRK", "state:CHN"], ["Russia", "North Korea", "China"],
                when_start="2023-09-13")])
    assert sorted((f["participants"], f["n_sources"]) for f, _ in meetings) == [
        (["China", "North Korea", "Russia"], 1), (["North Korea", "Russia"], 2)]

    def deployment(doc, **kw):
        return {**report(doc, **kw), "sender_id": "state:PRK", "sender": "North Korea", "host_id": "state:RUS",
                "host": "Russia", "forces": "North Korean troops", "place": "Kursk", "country": "RUS",
                "size_min": kw.get("size_min"), "size_max": kw.get("size_max"), "killed_min": None,
                "killed_max": None}

    [(fact, members)] = deployment_facts([deployment("a", size_min=10000, size_max=12000, when_start="2024-11"),
                                          deployment("b", size_min=11000, size_max=15000, published="2024-12-01")])
    assert (fact["size_min"], fact["size_max"], fact["n_sources"], fact["fact_id"][:2]) == (10000, 15000, 2, "D-")
