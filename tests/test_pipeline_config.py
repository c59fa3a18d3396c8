"""The extraction pipeline as spaCy configures it: registered factories, a config file
shipped with claimtrail, a user's actor gazetteer named in ``claimtrail.toml``, and
``extract_many`` over many documents through ``nlp.pipe``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.util import load_config

import claimtrail
from claimtrail.config import ConfigError, extract_settings, parse_config
from claimtrail.extractors.pipeline import PIPELINE_CONFIG, extract, extract_many, load_pipeline, pipeline_version
from claimtrail.schema import ConvertedDocument, Extraction, ExtractionError


def document(text: str) -> ConvertedDocument:
    return claimtrail.convert(text.encode(), media_type="text/plain")


def test_every_component_of_the_config_file_is_a_registered_factory_with_its_config() -> None:
    components = load_config(PIPELINE_CONFIG, interpolate=True)["components"]
    nlp = load_pipeline()

    assert [n for n in nlp.pipe_names if n.startswith("claimtrail_")] == [
        "claimtrail_names", "claimtrail_aliases", "claimtrail_block_sentences",
        "claimtrail_places", "claimtrail_actors", "claimtrail_dates", "claimtrail_counts", "claimtrail_claims"]
    for name, settings in components.items():
        assert Language.has_factory(settings["factory"])
        assert nlp.get_pipe_meta(name).factory == settings["factory"]
        assert nlp.config["components"][name]["factory"] == settings["factory"]
    assert nlp.config["components"]["claimtrail_dates"]["fiscal_year_start"] == "10-01"


def test_users_extend_the_actor_gazetteer_in_claimtrail_toml(tmp_path: Path) -> None:
    (tmp_path / "my-actors.jsonl").write_text(json.dumps({"name": "Northern Valley Brigade", "aliases": ["NVB"]}) + "\n")
    (tmp_path / "claimtrail.toml").write_text('[extract]\nactor_gazetteers = ["my-actors.jsonl"]\n')
    text = document("The NVB claimed the attack on the Northern Valley Brigade's rivals.")

    mine = claimtrail.load_pipeline(config=tmp_path / "claimtrail.toml")
    found = extract(text, nlp=mine)
    standard = extract(text)  # the default pipeline, untouched, in the same process

    assert ("NVB", "Northern Valley Brigade") in {(m.text, m.norm) for m in found.mentions if m.kind == "actor"}
    assert ("NVB", "Northern Valley Brigade") not in {(m.text, m.norm) for m in standard.mentions}
    assert mine.config["components"]["claimtrail_actors"]["actor_gazetteers"] == [str(tmp_path / "my-actors.jsonl")]
    assert found.pipeline_version == pipeline_version(mine) != pipeline_version()  # reprocess redoes the rest
    assert claimtrail.load_pipeline(config=tmp_path / "claimtrail.toml") is mine  # built once


def test_the_actor_gazetteers_key_names_missing_files_and_wrong_types(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"extract.actor_gazetteers\[1\]: no such file"):
        parse_config({"extract": {"actor_gazetteers": ["nowhere.jsonl"]}}, base=tmp_path)
    with pytest.raises(ConfigError, match=r"extract.actor_gazetteers: must be a list"):
        parse_config({"extract": {"actor_gazetteers": "actors.jsonl"}}, base=tmp_path)
    with pytest.raises(ConfigError, match=r"extract.actors: unknown key"):
        parse_config({"extract": {"actors": []}}, base=tmp_path)


def test_the_extract_settings_come_from_the_config_file_found_and_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMTRAIL_CONFIG", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_ACTORS", raising=False)
    assert extract_settings().actor_gazetteers == ()  # no claimtrail.toml: claimtrail's own gazetteer only

    (tmp_path / "claimtrail.toml").write_text('[extract]\nactor_gazetteers = ["a.jsonl"]\n')
    monkeypatch.setenv("CLAIMTRAIL_ACTORS", "b.jsonl")  # the older way, still honoured
    assert extract_settings().actor_gazetteers == (tmp_path / "a.jsonl", tmp_path / "b.jsonl")


def test_extract_many_keeps_the_order_and_each_documents_own_failure() -> None:
    texts = ["Police in Kenya arrested 14 suspects in March 2024.",
             "In Mali, Niger and Chad, 3 attacks in 2022 killed 40 people; 12 were wounded in Burkina Faso.",
             "Nothing here."]
    documents = [document(t) for t in texts]

    results = extract_many(documents, batch_size=2)
    limited = extract_many(documents, max_mentions=4)

    assert all(isinstance(r, Extraction) for r in results)
    assert results == [extract(d) for d in documents]
    assert [type(r) for r in limited] == [Extraction, ExtractionError, Extraction]
    assert "more than 4 mentions" in str(limited[1])
