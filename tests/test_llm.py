"""The structured call (extract/llm.py): instructor through its public API, behind plain providers."""

import json
import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from pydantic import ValidationInfo, create_model, field_validator

from extract.llm import ExtractionFailed, ReaskPolicy, reask_defaults, structured
from extract.providers.base import Capability, Provider, ProviderError, Reply, completion
from schemas.records import Extraction

ACTORS = [{"evidence": ["Iran"], "name": "Iran", "kind": "state"},
          {"evidence": ["Russia"], "name": "Russia", "kind": "state"}]
TRANSFER = {"evidence": ["drones"], "supplier": "Iran", "recipient": "Russia",
            "weapon": {"name": "Shahed-136", "category": "drone"}, "certainty": "denied"}
MESSAGES = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "<article>\nx\n</article>"}]


@dataclass
class Scripted(Provider):
    """Answers with the given texts in turn and keeps every request it got."""

    name: ClassVar[str] = "scripted"
    capability: ClassVar[Capability] = "json"
    model: str = "scripted"
    answers: list[Any] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings):
        return cls()

    def raw_create(self, **request: Any) -> Reply:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        text, finish, cut = answer if isinstance(answer, tuple) else (answer, "stop", None)
        return Reply(completion("scripted", text, self.model, finish, 100, 20), 0.5, cut)


def test_a_dynamic_model_sees_the_context_and_a_reask_corrects_it():
    """A per-document model built with create_model, whose validator reads the validation context."""

    def known(cls, value: str, info: ValidationInfo) -> str:
        if value not in info.context["names"]:
            raise ValueError(f"{value} is not in the article")
        return value

    model = create_model("Names", name=(str, ...),
                         __validators__={"known": field_validator("name")(known)})
    provider = Scripted(answers=['{"name": "Paris"}', '{"name": "Oslo"}'])
    out = structured(provider, MESSAGES, model, {"names": {"Oslo"}}, ReaskPolicy(max_retries=1))
    assert out.result.name == "Oslo" and out.raw == '{"name": "Oslo"}' and out.notes == []
    assert (out.usage.calls, out.usage.prompt_tokens, out.usage.completion_tokens, out.usage.seconds) == (2, 200, 40,
                                                                                                         1.0)
    reask = provider.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant" and "Paris is not in the article" in reask[-1]["content"]


def test_reasks_are_sampled_at_the_reask_temperature_and_the_first_request_is_not():
    provider = Scripted(answers=['{"actors": "x"}', json.dumps({"actors": ACTORS})])
    structured(provider, MESSAGES, Extraction, {}, ReaskPolicy(max_retries=1, temperature=0.0,
                                                                reask_temperature=0.3))
    assert [r["temperature"] for r in provider.requests] == [0.0, 0.3]
    assert ReaskPolicy(temperature=0.0, reask_temperature=0.3).followup().temperature == 0.3


def test_every_reask_failing_keeps_the_valid_records_and_names_the_dropped():
    bad = json.dumps({"actors": ACTORS, "transfers": [TRANSFER, {**TRANSFER, "recipient": "Hezbollah"}]})
    provider = Scripted(answers=[bad, bad])
    out = structured(provider, MESSAGES, Extraction, {}, ReaskPolicy(max_retries=1))
    assert len(out.result.transfers) == 1 and out.usage.calls == 2
    assert any("Hezbollah" in n for n in out.notes)
    with pytest.raises(ExtractionFailed) as info:  # a follow-up keeps no partial answer
        structured(Scripted(answers=[bad]), MESSAGES, Extraction, {}, ReaskPolicy(max_retries=0).followup())
    assert info.value.usage.calls == 1 and info.value.raw == bad


def test_a_truncated_answer_keeps_the_complete_records_before_the_cut():
    full = json.dumps({"actors": ACTORS, "transfers": [TRANSFER, TRANSFER]})
    cut = full[: full.rindex('"supplier"')]  # inside the second transfer
    out = structured(Scripted(answers=[(cut, "length", None)]), MESSAGES, Extraction, {}, ReaskPolicy())
    assert [a.name for a in out.result.actors] == ["Iran", "Russia"] and len(out.result.transfers) == 1
    assert "truncated" in out.notes[0] and "finish_reason=length" in out.notes[0]
    with pytest.raises(ExtractionFailed, match="truncated.*no complete record"):
        structured(Scripted(answers=[(full[:30], "length", None)]), MESSAGES, Extraction, {}, ReaskPolicy())


def test_a_provider_error_is_not_reasked_and_carries_the_usage_so_far():
    provider = Scripted(answers=['{"actors": "x"}', ProviderError("server gone"), '{}'])
    with pytest.raises(ProviderError, match="server gone") as info:
        structured(provider, MESSAGES, Extraction, {}, ReaskPolicy(max_retries=2))
    assert len(provider.requests) == 2 and info.value.usage.calls == 1


def test_the_cut_list_comes_back_with_the_result_not_on_the_provider():
    provider = Scripted(answers=[(json.dumps({"actors": ACTORS}), "stop", "actors")])
    out = structured(provider, MESSAGES, Extraction, {}, ReaskPolicy())
    assert out.cut_in == "actors" and not hasattr(provider, "cut_in")


def test_instructor_error_lines_stay_out_of_the_log(caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderError):
        structured(Scripted(answers=[ProviderError("boom")]), MESSAGES, Extraction, {}, ReaskPolicy())
    assert not [r for r in caplog.records if r.name.startswith("instructor") and r.levelno >= logging.ERROR]


def test_reask_defaults_live_on_the_pipeline_side():
    assert (reask_defaults("local").max_retries, reask_defaults("local").reask_ungrounded) == (0, False)
    assert (reask_defaults("openai").max_retries, reask_defaults("openai").reask_ungrounded) == (2, True)
    assert not any(hasattr(Provider, a) for a in ("default_max_retries", "usage", "cut_in", "record_dir"))


def test_instructor_is_confined_to_the_structured_call_module():
    from tests.conftest import ROOT

    files = [p for folder in ("extract", "schemas", "evals") for p in (ROOT / folder).rglob("*.py")]
    users = sorted(str(p.relative_to(ROOT)) for p in files
                   if "import instructor" in p.read_text() or "from instructor" in p.read_text())
    assert users == ["extract/llm.py"]
