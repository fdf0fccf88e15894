from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.consensus import (
    RowOption,
    Spread,
    acceptable_unanimous,
    disagreement,
    group_views,
    hot_list,
    row_options,
    tied,
)
from backend.domain.frameworks import ODCI

NAMES = {1: "Ana", 2: "Ben", 3: "Cy", 10: "PM", 11: "PMM"}
FUNCS = [10, 11]


def test_unanimous_group_gives_its_consensus():
    props = {
        (1, "A", "P", 10): "OD",
        (1, "A", "P", 11): "C",
        (2, "A", "P", 10): "OD",
        (2, "A", "P", 11): "C",
    }
    g = group_views(props, FUNCS, NAMES)[("A", "P")]
    assert g.voters == ("Ana", "Ben") and g.unanimous
    assert g.consensus() == {10: "OD", 11: "C"}
    assert disagreement([g]) == 0


def test_blank_is_a_vote_for_no_role_and_abstainers_do_not_count():
    props = {
        (1, "A", "P", 10): "O",
        (1, "A", "P", 11): "D",
        (2, "A", "P", 10): "OD",
        (3, "A", "Q", 10): "O",
    }
    g = group_views(props, FUNCS, NAMES)[("A", "P")]
    assert g.voters == ("Ana", "Ben")  # Cy voted only on phase Q
    assert dict(g.cells[11].votes) == {"D": ("Ana",), "": ("Ben",)}
    assert not g.unanimous and g.consensus() is None
    assert g.cells[10].majority is None  # a 1-1 tie
    assert disagreement([g]) == 0.5


def test_majority_and_hot_list_call_out_rule_breaks():
    props = {}
    for person in (1, 2, 3):
        props[(person, "Pricing", "Launch", 10)] = "O"
        props[(person, "Pricing", "Launch", 11)] = "O" if person != 3 else "D"
        props[(person, "Calm", "Launch", 10)] = "OD"
    groups = group_views(props, FUNCS, NAMES)
    assert groups[("Pricing", "Launch")].majority_row() == {10: "O", 11: "O"}
    hot = hot_list(ODCI, ["Calm", "Pricing"], ["Launch"], groups, NAMES)
    assert [h.activity for h in hot] == ["Pricing"]
    messages = [m for _, m in hot[0].rule_breaks]
    assert any("2 Owners" in m for m in messages) and any("No Driver" in m for m in messages)
    assert 0 < hot[0].score < 1


def test_hot_list_leaves_out_agreed_pairs_and_says_tie_not_a_missing_owner():
    props = {
        (1, "Pricing", "Launch", 10): "OD",
        (2, "Pricing", "Launch", 11): "OD",  # a 1-1 tie on both functions
        (1, "Pricing", "Build", 10): "OD",
        (2, "Pricing", "Build", 10): "OD",
    }
    groups = group_views(props, FUNCS, NAMES)
    (item,) = hot_list(ODCI, ["Pricing"], ["Build", "Launch"], groups, NAMES)
    assert [m for _, m in item.rule_breaks] == ["tie for PM, PMM"]
    assert (
        hot_list(
            ODCI, ["Pricing"], ["Build", "Launch"], groups, NAMES, agreed={("Pricing", "Launch")}
        )
        == []
    )


def test_hot_list_counts_changes_the_room_proposes_against_current_values():
    props = {(p, "Pricing", "Launch", f): v for p in (1, 2) for f, v in ((10, "C"), (11, "OD"))}
    groups = group_views(props, FUNCS, NAMES)
    last_quarter = {("Pricing", "Launch", 10): "OD", ("Pricing", "Launch", 11): "C"}
    (item,) = hot_list(ODCI, ["Pricing"], ["Launch"], groups, NAMES, current=last_quarter)
    assert item.proposed_changes == 2 and item.score == 0 and item.rule_breaks == ()
    same = {("Pricing", "Launch", 10): "C", ("Pricing", "Launch", 11): "OD"}
    assert hot_list(ODCI, ["Pricing"], ["Launch"], groups, NAMES, current=same) == []


votes = st.dictionaries(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.just("A"),
        st.sampled_from(["P", "Q"]),
        st.sampled_from(FUNCS),
    ),
    st.sampled_from(["O", "D", "C", "I", "OD"]),
)


@given(votes)
def test_consensus_properties(props):
    groups = group_views(props, FUNCS, NAMES)
    for (a, p), g in groups.items():
        voters = {pid for (pid, aa, pp, _f), s in props.items() if (aa, pp) == (a, p) and s}
        assert len(g.voters) == len(voters)
        for spread in g.cells.values():
            assert spread.total == len(voters)
            assert 0 < spread.share <= 1
        assert (disagreement([g]) == 0) == g.unanimous
        if g.unanimous:
            assert g.consensus() == g.majority_row() | {
                f: "" for f in FUNCS if f not in g.majority_row()
            }
    assert 0 <= disagreement(groups.values()) < 1


def test_empty_spread():
    s = Spread()
    assert s.total == 0 and s.majority is None and s.share == 1.0


def test_acceptable_unanimous_needs_enough_voters_and_skips_agreed_and_revoted():
    props = {}
    for person in (1, 2):
        for a in ("Pricing", "Naming"):
            props[(person, a, "Launch", 10)] = "OD"
        props[(person, "Pricing", "Build", 10)] = "OD"
    props[(1, "Solo", "Launch", 10)] = "OD"  # one voter
    props[(1, "Split", "Launch", 10)] = "O"
    props[(2, "Split", "Launch", 10)] = "D"
    groups = group_views(props, FUNCS, NAMES)
    take = acceptable_unanimous(groups, {("Pricing", "Build")}, {"Naming"}, min_voters=2)
    assert take == [("Pricing", "Launch")]
    assert ("Solo", "Launch") in acceptable_unanimous(groups, (), (), min_voters=1)


def test_agreed_pairs_count_as_settled_cells_in_the_score():
    props = {
        (1, "A", "P", 10): "O",
        (2, "A", "P", 10): "D",  # disputed: half the voters behind the top value
        (1, "A", "Q", 10): "O",
        (2, "A", "Q", 10): "D",
    }
    groups = group_views(props, FUNCS, NAMES)
    (item,) = hot_list(ODCI, ["A"], ["P", "Q"], groups, NAMES)
    # 4 voted cells (2 functions x 2 phases); PM is split half and half in each phase.
    assert item.score == 0.25
    (item,) = hot_list(ODCI, ["A"], ["P", "Q"], groups, NAMES, agreed={("A", "P")})
    assert item.score == 0.125  # the old measure, over open phases only, said 0.25


pairs = st.tuples(st.sampled_from(["A", "B"]), st.sampled_from(["P", "Q", "R"]))
room = st.dictionaries(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.sampled_from(["A", "B"]),
        st.sampled_from(["P", "Q", "R"]),
        st.sampled_from(FUNCS),
    ),
    st.sampled_from(["O", "D", "C", "OD", ""]),
)


@given(room, st.sets(pairs), pairs)
def test_agreeing_another_pair_never_raises_a_score(props, agreed, extra):
    groups = group_views(props, FUNCS, NAMES)

    def scores(agreed_pairs):
        hot = hot_list(ODCI, ["A", "B"], ["P", "Q", "R"], groups, NAMES, agreed=agreed_pairs)
        return {h.activity: h.score for h in hot}

    before, after = scores(agreed), scores(agreed | {extra})
    for activity in ("A", "B"):
        assert after.get(activity, 0) <= before.get(activity, 0)


def test_a_tie_offers_each_voters_whole_row():
    props = {
        (1, "A", "P", 10): "O",
        (1, "A", "P", 11): "D",
        (2, "A", "P", 10): "D",
        (2, "A", "P", 11): "O",
        (3, "A", "Q", 10): "OD",
        (1, "A", "Q", 10): "OD",
    }
    groups = group_views(props, FUNCS, NAMES)
    assert tied(groups[("A", "P")]) and not tied(groups[("A", "Q")])
    assert row_options(groups[("A", "P")]) == [
        RowOption(("Ana",), ((10, "O"), (11, "D"))),
        RowOption(("Ben",), ((10, "D"), (11, "O"))),
    ]
    assert row_options(groups[("A", "Q")]) == [RowOption(("Ana", "Cy"), ((10, "OD"), (11, "")))]


def test_a_row_naming_no_owner_is_not_offered_to_settle_a_tie():
    props = {
        (1, "A", "P", 10): "O",
        (1, "A", "P", 11): "D",
        (2, "A", "P", 10): "D",
        (2, "A", "P", 11): "O",
        (3, "A", "P", 11): "C",  # Cy only said PMM is consulted: no owner in that row
    }
    options = row_options(group_views(props, FUNCS, NAMES)[("A", "P")])
    assert [o.voters for o in options] == [("Ana",), ("Ben",)]
    # With no row naming an owner, every row is still offered.
    only = {(3, "A", "P", 11): "C", (2, "A", "P", 10): "D"}
    assert len(row_options(group_views(only, FUNCS, NAMES)[("A", "P")])) == 2
