"""`SearchIndex.build_parallel`: parts built in processes of their own, joined into one index that
searches, ranks, filters and updates exactly like an index built in one process."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from tests.factories.matching import catalogue, failing, groups_of, slow, with_a_stray

from rantai.matching import Document, Filters, SearchIndex
from rantai.matching.groups import GROUPS_FILE

SOURCES = [partial(groups_of, 0, 1), partial(groups_of, 2, 3), partial(groups_of, 4, 5)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The catalogue built in one process and in three; both directories."""
    root = tmp_path_factory.mktemp("parallel")
    SearchIndex.build(catalogue(), path=root / "one", plain=False)
    SearchIndex.build_parallel(SOURCES, path=root / "three", plain=False)
    return root / "one", root / "three"


def answers(index: SearchIndex, text: str, **filters: object) -> list[tuple[str, float, str, object]]:
    hits = index.search(text, limit=50, filters=Filters(**filters))  # type: ignore[arg-type]
    return sorted((hit.id, round(hit.score, 5), hit.group, hit.facts) for hit in hits)


def test_the_joined_index_answers_as_one_built_in_one_process(built: tuple[Path, Path]) -> None:
    one, three = (SearchIndex.open(path) for path in built)
    assert len(three) == len(one) == len(catalogue())
    meta = json.loads((built[1] / "meta.json").read_text())
    assert len(meta["segments"]) == 3  # one segment per part
    for text, filters in (
        ("keripik singkong", {}),
        ("kaos hitam", {"all_of": ("verified",)}),
        ("sambal 150 ml", {"all_of": ("kabkota:61.71",)}),
    ):
        # Same documents with the same BM25 scores: term statistics are summed over the segments.
        assert answers(three, text, **filters) == answers(one, text, **filters)
    hit = three.search("keripik pisang s5")[0]
    assert hit.group == "s5"
    assert hit.facts == {"s": {"id": "s5", "name": "Usaha 5"}, "price": 2000}


def test_the_parts_leave_nothing_behind(built: tuple[Path, Path]) -> None:
    names = {item.name for item in built[1].iterdir()}
    assert not [name for name in names if name.startswith(".part-")]
    assert {"meta.json", ".managed.json", GROUPS_FILE} <= names
    managed = set(json.loads((built[1] / ".managed.json").read_text()))
    segment_files = {name for name in names if name.split(".")[0] in segment_ids(built[1])}
    assert segment_files <= managed  # tantivy may clean them up after a merge


def segment_ids(path: Path) -> set[str]:
    meta = json.loads((path / "meta.json").read_text())
    return {segment["segment_id"].replace("-", "") for segment in meta["segments"]}


def test_a_joined_index_takes_updates(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build_parallel(SOURCES, path=path, plain=False)
    index = SearchIndex.open(path)
    index.update(
        remove_groups=["s0", "s4"],
        add=[Document("s4-new", "Rengginang Ketan", group="s4", group_facts={"s": {"id": "s4"}})],
    )
    assert {hit.group for hit in index.search("keripik", limit=50)} == {"s1", "s2", "s3", "s5"}
    assert [hit.id for hit in index.search("rengginang")] == ["s4-new"]
    reopened = SearchIndex.open(path)  # what another process sees
    assert len(reopened) == len(catalogue()) - 8 + 1
    assert reopened.group_facts("s4") == {"s": {"id": "s4"}}
    assert reopened.group_facts("s0") == {}
    assert reopened.group_facts("s3") == {"s": {"id": "s3", "name": "Usaha 3"}}


def test_an_id_given_by_two_sources_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with pytest.raises(ValueError, match="more than one source"):
        SearchIndex.build_parallel([partial(groups_of, 0, 2), partial(with_a_stray, 3, 5)], path=path)
    assert not path.exists()


def test_a_directory_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "something").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        SearchIndex.build_parallel(SOURCES, path=tmp_path / "index")
    assert (tmp_path / "index" / "something").exists()


def test_one_source_is_built_in_this_process(tmp_path: Path) -> None:
    index = SearchIndex.build_parallel([partial(groups_of, 0, 5)], path=tmp_path / "index")
    assert len(index) == len(catalogue())
    assert index.has_plain


def test_a_failing_source_stops_the_others(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    with pytest.raises(RuntimeError, match="source failed"):
        SearchIndex.build_parallel([partial(slow, str(marker)), failing], path=tmp_path / "index")
    assert not marker.exists()  # stopped, not waited for
    assert not (tmp_path / "index").exists()
