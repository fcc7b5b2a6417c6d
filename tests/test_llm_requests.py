"""The structured call sends exactly the requests instructor used to send (extract/llm.py wraps each
response model once and keeps the validators' context beside instructor, not in its templating)."""

import copy
import json
from typing import Any

import instructor
import pytest
from openai.types.chat import ChatCompletion
from pydantic import ValidationInfo, create_model, field_validator

from extract.llm import MODES, ReaskPolicy, response_schema, structured
from extract.load import document_from_text
from extract.prompt import messages as prompt_messages
from extract.providers.base import Capability, Reply
from schemas.records import Extraction
from tests.stub_server import ANSWER, article
from tests.test_llm import Scripted

CONTEXT = {"published": "2024-05-03", "actors": []}
INVALID = json.dumps({"actors": [{"name": 42, "kind": "planet", "evidence": []}], "transfers": "many"})
# Texts whose rendering by instructor's Jinja templating was not the identity: newlines, a trailing
# newline, common indentation, a whitespace-only line.
ODD = ["  indented\n  block\n", "windows\r\nline\rends\r\n\r\n", "tail\n\n\n", "a\n   \nb", ""]


def answer(capability: Capability, text: str) -> ChatCompletion:
    """The stub's answer as message content, or as a tool call for the tools capability."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if capability == "tools":
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "Extraction", "arguments": text}}]}
    return ChatCompletion.model_validate({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})


class Recorder(Scripted):
    """Scripted answers, as a tool call for the tools capability, and a copy of every request as sent
    (instructor extends the same message list for a re-ask)."""

    def __init__(self, capability: Capability = "json", texts: list[str] | None = None) -> None:
        super().__init__(answers=list(texts or []))
        self.capability = capability  # type: ignore[misc]

    def raw_create(self, **request: Any) -> Reply:
        self.requests.append(copy.deepcopy(request))
        return Reply(answer(self.capability, self.answers.pop(0)), 0.0)


def before(provider: Recorder, msgs: list[dict], model: type, context: dict) -> list[dict]:
    """What instructor sent before: the plain model and the context handed to instructor."""
    mode = MODES[provider.capability]
    create = instructor.patch(create=lambda **r: provider.raw_create(**r).completion, mode=mode)
    client = instructor.Instructor(client=None, create=create, mode=mode)
    client.create_with_completion(messages=copy.deepcopy(msgs), response_model=model, max_retries=1,
                                  context=context, strict=False)
    return provider.requests


def conversation(extra: str) -> list[dict]:
    doc = document_from_text(article(3, extra), source="t")
    msgs = prompt_messages(doc, doc.prompt_text)
    return [*msgs, *({"role": "user", "content": text} for text in ODD)]


@pytest.mark.parametrize("capability", ["tools", "json", "json_schema"])
@pytest.mark.parametrize("context", [CONTEXT, {}])
def test_requests_and_reasks_are_byte_for_byte_those_instructor_sent(capability, context):
    texts = [INVALID, json.dumps(ANSWER)]  # one re-ask: its messages were never rendered
    for _ in range(2):  # the second call uses the kept schema
        msgs = conversation("Reported in Minsk.")
        now = Recorder(capability, texts)
        out = structured(now, msgs, Extraction, context, ReaskPolicy(max_retries=1))
        old = before(Recorder(capability, texts), msgs, Extraction, context)
        assert len(now.requests) == 2 and out.result.transfers[0].weapon.name == "S-400"
        assert now.requests == old


def test_a_handler_editing_its_schema_does_not_change_the_next_request():
    wrapped = response_schema(Extraction)
    assert response_schema(Extraction) is wrapped  # wrapped once per model class
    first = wrapped.model_json_schema()
    first["properties"].clear()
    first["additionalProperties"] = False
    assert wrapped.model_json_schema() == Extraction.model_json_schema()


def test_an_article_is_data_not_a_template_and_validators_still_get_the_context():
    """instructor renders messages as Jinja templates when it gets the context: `{% raw` raised
    TemplateSyntaxError and `{{ 7*7 }}` reached the model as 49."""
    seen = []

    def check(cls, value: str, info: ValidationInfo) -> str:
        seen.append(info.context)
        return value

    model = create_model("Named", name=(str, ...), __validators__={"check": field_validator("name")(check)})
    text = "Source: {% raw %} and {{ 7*7 }} and {{ published }} {# note"
    provider = Recorder("json", texts=['{"name": "Oslo"}'])
    out = structured(provider, [{"role": "user", "content": text}], model, CONTEXT)
    assert out.result.name == "Oslo" and seen == [CONTEXT]
    assert provider.requests[0]["messages"][-1] == {"role": "user", "content": text}
