"""The embedded model is grammar-constrained: instructor's json_schema response format is translated
into the json_object + schema form that llama-cpp-python builds a grammar from.

The offline tests assert what reaches llama.cpp; the `model` test shows with the real model that an
answer outside the schema cannot occur (and that, untranslated, it does)."""

import json
from typing import Literal

import pytest
from pydantic import BaseModel, ValidationError, create_model

from extract.llm import ReaskPolicy, structured
from extract.providers.base import ProviderError
from extract.providers.local import LocalProvider, grammar_format
from schemas.records import Extraction

MESSAGES = [{"role": "system", "content": "You extract facts."},
            {"role": "user", "content": "<article>\nNorway sent NASAMS to Ukraine.\n</article>\n\nExtract."}]


class FakeLlama:
    """Stands in for llama_cpp.Llama: records the call, streams a fixed answer."""

    def __init__(self, answer: str) -> None:
        self.answer, self.calls, self.n_tokens = answer, [], 40

    def create_chat_completion(self, **kwargs):
        self.calls.append(kwargs)
        yield {"choices": [{"delta": {"content": self.answer}, "finish_reason": None}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}


def local_with(answer: str, **options) -> tuple[LocalProvider, FakeLlama]:
    provider, llama = LocalProvider(**options), FakeLlama(answer)
    provider._ensure_ctx = lambda messages: llama
    return provider, llama


def test_the_schema_reaches_llama_cpp_as_a_json_object_grammar():
    provider, llama = local_with('{"actors": []}')
    out = structured(provider, MESSAGES, Extraction, {}, ReaskPolicy(max_retries=0))
    assert out.result.actors == [] and len(llama.calls) == 1
    sent = llama.calls[0]
    assert sent["response_format"] == {"type": "json_object", "schema": Extraction.model_json_schema()}
    assert sent["stream"] is True and sent["temperature"] == 0.0
    assert sent["messages"] == MESSAGES  # nothing injected, nothing cut out of the prompt


def test_a_per_document_model_gets_its_own_grammar_and_the_schema_can_go_in_the_prompt():
    model = create_model("Colour", colour=(Literal["red", "blue"], ...))
    provider, llama = local_with('{"colour": "red"}', schema_in_prompt=True)
    assert structured(provider, MESSAGES, model, {}, ReaskPolicy(max_retries=0)).result.colour == "red"
    sent = llama.calls[0]
    assert sent["response_format"]["schema"]["properties"]["colour"]["enum"] == ["red", "blue"]
    assert sent["messages"][0]["content"].startswith("You extract facts.\n\nAnswer with one JSON object matching")
    assert '"enum":["red","blue"]' in sent["messages"][0]["content"] and "title" not in sent["messages"][0]["content"]


def test_a_format_that_cannot_be_constrained_is_an_error_not_a_silent_free_run():
    assert grammar_format(None) is None
    assert grammar_format({"type": "json_object"}) == {"type": "json_object"}
    with pytest.raises(ProviderError, match="cannot constrain"):
        grammar_format({"type": "json_schema", "json_schema": {"name": "x"}})
    with pytest.raises(ProviderError, match="cannot constrain"):
        grammar_format({"type": "text"})


class Verdict(BaseModel):
    colour: Literal["red", "blue"]
    count: int


TEMPTATION = [{"role": "user", "content": "Do not write JSON. Answer with one word only: the name of a fruit."}]


@pytest.mark.model
def test_the_real_model_cannot_answer_outside_the_schema():
    """Untranslated (OpenAI's json_schema form), llama-cpp-python samples freely and the model writes
    what it was asked; translated, every answer is a Verdict."""
    provider = LocalProvider(max_output_tokens=48)
    try:
        llama = provider._ensure_ctx(TEMPTATION)
        schema = Verdict.model_json_schema()
        free = llama.create_chat_completion(messages=TEMPTATION, max_tokens=48, temperature=0.0, response_format={
            "type": "json_schema", "json_schema": {"name": "Verdict", "schema": schema}})
        with pytest.raises((ValidationError, ValueError)):
            Verdict.model_validate_json(free["choices"][0]["message"]["content"])
        for temperature in (0.0, 1.0):
            reply = provider.raw_create(messages=TEMPTATION, temperature=temperature, response_format={
                "type": "json_schema", "json_schema": {"name": "Verdict", "schema": schema}})
            text = reply.completion.choices[0].message.content
            Verdict.model_validate(json.loads(text))  # parses and fits the schema
    finally:
        provider.close()
