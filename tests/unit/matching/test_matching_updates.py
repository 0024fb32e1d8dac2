"""Groups, facts and incremental updates of an on-disk index shared by several processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tantivy

from rantai.matching import Document, Filters, IndexBusy, SearchIndex, groups
from rantai.matching.groups import GROUPS_FILE, GroupFacts

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


# Group facts: kept once per group beside the index, overlaid on each hit's own facts.

SUPPLIED = [
    Document("a1", "Keripik Singkong", group="sa", facts={"o": 1}, group_facts={"s": "UD Asa", "o": 0}),
    Document("a2", "Keripik Pisang", group="sa", facts={"o": 2}, group_facts={"s": "UD Asa", "o": 0}),
    Document("b1", "Keripik Talas", group="sb", group_facts={"s": "CV Bumi"}),
]


def facts_of(index: SearchIndex, text: str = "keripik") -> dict[str, object]:
    return {hit.id: dict(hit.facts) for hit in index.search(text, limit=50)}


def test_a_hit_carries_its_groups_facts_under_its_own() -> None:
    index = SearchIndex.build(SUPPLIED)
    assert facts_of(index) == {
        "a1": {"s": "UD Asa", "o": 1},  # the document's own key wins
        "a2": {"s": "UD Asa", "o": 2},
        "b1": {"s": "CV Bumi"},
    }
    assert index.group_facts("sa") == {"s": "UD Asa", "o": 0}
    assert index.group_facts("nobody") == {}


def test_group_facts_are_stored_once_per_group_on_disk(tmp_path: Path) -> None:
    SearchIndex.build(SUPPLIED, path=tmp_path / "index")
    header, *lines = (tmp_path / "index" / GROUPS_FILE).read_text(encoding="utf-8").splitlines()
    assert header.startswith("#rantai-groups ")
    assert sorted(lines) == ['"sa"\t{"s":"UD Asa","o":0}', '"sb"\t{"s":"CV Bumi"}']
    assert facts_of(SearchIndex.open(tmp_path / "index"))["a1"] == {"s": "UD Asa", "o": 1}


def test_an_update_changes_or_forgets_group_facts_for_every_process(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build(SUPPLIED, path=path)
    reader, writer = SearchIndex.open(path), SearchIndex.open(path)
    writer.update(
        remove_groups=["sa", "sb"],
        add=[Document("a3", "Keripik Tempe", group="sa", group_facts={"s": "UD Asa Baru"})],
    )
    assert facts_of(reader)["a1"] == {"s": "UD Asa", "o": 1}  # a snapshot until it reloads
    reader.reload()
    assert facts_of(reader) == {"a3": {"s": "UD Asa Baru"}}
    assert reader.group_facts("sb") == {}  # removed and not given again: forgotten
    assert SearchIndex.open(path).group_facts("sa") == {"s": "UD Asa Baru"}


UPDATE_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rantai.matching import Document, SearchIndex
    index = SearchIndex.open(Path(sys.argv[1]))
    index.update(
        remove_groups=["sb"],
        add=[Document("b2", "Keripik Talas Pedas", group="sb", group_facts={"s": "CV Bumi Jaya"})],
    )
    """
)


def test_group_facts_written_by_another_process_show_after_reload(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build(SUPPLIED, path=path)
    reader = SearchIndex.open(path)
    subprocess.run([sys.executable, "-c", UPDATE_IN_ANOTHER_PROCESS, str(path)], check=True, timeout=60)  # noqa: S603
    reader.reload()
    assert facts_of(reader, "talas") == {"b2": {"s": "CV Bumi Jaya"}}


def test_the_group_log_is_rewritten_when_long_and_readers_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(groups, "_COMPACT_SLACK", 0)
    path = tmp_path / "index"
    SearchIndex.build(SUPPLIED, path=path)
    reader, writer = SearchIndex.open(path), SearchIndex.open(path)
    for number in range(6):
        writer.update(add=[Document(f"a{10 + number}", "Keripik", group="sa", group_facts={"n": number})])
        reader.reload()
        assert reader.group_facts("sa") == {"n": number}
    lines = (path / GROUPS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 2 * 2 + 1  # rewritten, not grown by one line per update
    assert reader.group_facts("sb") == {"s": "CV Bumi"}
    assert not list(path.glob(".rantai-groups-*"))  # no temporary file left


def test_a_line_being_written_is_read_once_whole(tmp_path: Path) -> None:
    store = GroupFacts(tmp_path)
    store.write({"sa": '{"s":1}'})
    with (tmp_path / GROUPS_FILE).open("ab") as out:
        out.write(b'"sb"\t{"s":')  # another process, halfway through a line
    store.load()
    assert "sb" not in store
    with (tmp_path / GROUPS_FILE).open("ab") as out:
        out.write(b"2}\n")
    store.load()
    assert (store.get("sa"), store.get("sb")) == ({"s": 1}, {"s": 2})


def test_a_reader_reads_a_rewritten_log_whole_even_in_the_same_file(tmp_path: Path) -> None:
    writer, reader = GroupFacts(tmp_path), GroupFacts(tmp_path)
    writer.write({"sa": '{"s":1}', "sb": '{"s":2}'})
    reader.load()
    # Another log in the very same file (as when a rewrite's new file gets the old one's inode number).
    with (tmp_path / GROUPS_FILE).open("r+b") as out:
        out.write(b'#rantai-groups 0123456789abcdef\n"sc"\t{"s":3}\n"sd"\t{"s":4}\n"se"\t{"s":5}\n')
    reader.load()
    assert sorted(group for group in ("sa", "sb", "sc", "sd", "se") if group in reader) == ["sc", "sd", "se"]


def test_documents_of_an_older_index_keep_all_their_facts_in_themselves() -> None:
    older = Document("o1", "Keripik Sukun", group="so", facts={"s": {"name": "UD Lama"}, "o": {"id": "o1"}})
    assert facts_of(SearchIndex.build([older])) == {"o1": {"s": {"name": "UD Lama"}, "o": {"id": "o1"}}}
