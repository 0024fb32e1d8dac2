"""Groups, facts and incremental updates of an on-disk index shared by several processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tantivy

from rantai.matching import Document, Filters, IndexBusy, SearchIndex

PRODUCTS = [
    Document("a1", "Keripik Singkong Balado", group="sa", locality=6171, facts={"price": 12000}),
    Document("a2", "Keripik Pisang Coklat", group="sa", locality=6171),
    Document("b1", "Keripik Singkong Original", group="sb", locality=3273, facts={"price": 9000}),
    Document("c1", "Kaos Polos Hitam", group="sc", locality=6101),
]


def ids(index: SearchIndex, text: str = "keripik", **filters: tuple[str, ...]) -> set[str]:
    return {hit.id for hit in index.search(text, limit=50, filters=Filters(**filters))}  # type: ignore[arg-type]


def test_hits_carry_group_and_facts() -> None:
    index = SearchIndex.build(PRODUCTS)
    hit = index.search("singkong balado")[0]
    assert (hit.id, hit.group, hit.facts) == ("a1", "sa", {"price": 12000})
    assert index.search("kaos")[0].facts == {}


def test_search_within_or_without_groups() -> None:
    index = SearchIndex.build(PRODUCTS)
    assert ids(index, in_groups=("sa",)) == {"a1", "a2"}
    assert ids(index, in_groups=("sa", "sb")) == {"a1", "a2", "b1"}
    assert ids(index, not_groups=("sa",)) == {"b1"}
    assert Filters(in_groups=("x",)) and Filters(not_groups=("x",))


def test_candidates_carry_a_group_key() -> None:
    index = SearchIndex.build(PRODUCTS)
    found = index.candidates({("keripik",): 1.0}, limit=10)
    by_id = {hit.id: candidate.group for hit, candidate in zip(index.hits(found), found, strict=True)}
    assert by_id["a1"] == by_id["a2"] != by_id["b1"]
    assert by_id["a1"] != 0


@pytest.fixture
def on_disk(tmp_path: Path) -> Path:
    path = tmp_path / "index"
    SearchIndex.build(PRODUCTS, path=path)
    return path


def test_update_replaces_a_group(on_disk: Path) -> None:
    index = SearchIndex.open(on_disk)
    index.update(remove_groups=["sa"], add=[Document("a3", "Keripik Tempe", group="sa")])
    assert ids(index) == {"a3", "b1"}
    assert len(index) == 3


def test_update_replaces_a_document_by_id_wherever_it_was(on_disk: Path) -> None:
    index = SearchIndex.open(on_disk)
    index.update(add=[Document("b1", "Keripik Singkong Pedas", group="sd")])
    assert ids(index, in_groups=("sd",)) == {"b1"}
    assert ids(index, in_groups=("sb",)) == set()
    with pytest.raises(ValueError, match="twice"):
        index.update(add=[Document("x", "a"), Document("x", "b")])


def test_other_processes_see_commits_after_reload(on_disk: Path) -> None:
    reader, writer = SearchIndex.open(on_disk), SearchIndex.open(on_disk)
    writer.update(remove_groups=["sb"])
    assert "b1" in ids(reader)  # its searcher is a snapshot
    reader.reload()
    assert ids(reader) == {"a1", "a2"}


def test_reopens_after_a_restart_with_its_meta(on_disk: Path) -> None:
    index = SearchIndex.open(on_disk)
    assert index.meta == {}
    index.update(add=[Document("d1", "Keripik Talas", group="sd")], meta={"applied": 41})
    index.write_meta({"applied": 42})
    again = SearchIndex.open(on_disk)
    assert again.meta == {"applied": 42}
    assert "d1" in ids(again)
    assert not list(on_disk.glob(".rantai-meta-*"))  # no temporary file left


def test_open_or_create(tmp_path: Path) -> None:
    path = tmp_path / "fresh"
    created = SearchIndex.open_or_create(path)
    assert len(created) == 0
    created.update(add=[PRODUCTS[0]])
    assert len(SearchIndex.open_or_create(path)) == 1
    with pytest.raises(ValueError, match="no index"):
        SearchIndex.open(tmp_path / "missing")


def test_in_memory_index_updates_too() -> None:
    index = SearchIndex.build(PRODUCTS)
    index.update(remove_groups=["sc"], meta={"applied": 1})
    assert ids(index, "kaos") == set()
    assert index.meta == {"applied": 1}


HOLD_WRITER = textwrap.dedent(
    """
    import sys
    import tantivy
    index = tantivy.Index.open(sys.argv[1])
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def test_a_writer_in_another_process_makes_the_index_busy(on_disk: Path) -> None:
    index = SearchIndex.open(on_disk)
    holder = subprocess.Popen(  # noqa: S603 - our own interpreter running our own snippet
        [sys.executable, "-c", HOLD_WRITER, str(on_disk)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(IndexBusy):
            index.update(remove_groups=["sa"])
        with pytest.raises(IndexBusy):
            index.write_meta({"applied": 1})
    finally:
        holder.communicate("\n", timeout=30)
    index.update(remove_groups=["sa"])  # free again: the retry succeeds
    assert ids(index) == {"b1"}


def test_updates_keep_each_segment_in_locality_order(on_disk: Path) -> None:
    index = SearchIndex.open(on_disk)
    for number in range(12):
        index.update(
            add=[
                Document(
                    f"u{number}-{k}",
                    "Keripik Jagung",
                    group=f"u{number}",
                    locality=(7919 * (number + k)) % 9000,
                )
                for k in range(3)
            ]
        )
    searcher = index._searcher  # the storage order is what this test is about
    found = searcher.search(tantivy.Query.all_query(), limit=100).hits
    addresses = [address for _, address in found]
    localities = searcher.fast_field_values("locality", addresses)
    by_segment: dict[int, list[tuple[int, int]]] = {}
    for address, locality in zip(addresses, localities, strict=True):
        by_segment.setdefault(address.segment_ord, []).append((address.doc, int(locality or 0)))
    assert len(addresses) == len(PRODUCTS) + 36
    for rows in by_segment.values():
        in_storage_order = [locality for _, locality in sorted(rows)]
        assert in_storage_order == sorted(in_storage_order)
