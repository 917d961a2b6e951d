"""Consumer groups: the daemon's group coordinator must hand out a disjoint,
complete partition assignment and rebalance when a member leaves, for both
the eager (range) and the cooperative-sticky protocols of librdkafka."""

from __future__ import annotations

import time

import pytest

from support import consumer, create_topic, producer, unique

PARTITIONS = 6
REBALANCE_TIMEOUT_S = 45


def owned(c) -> set[int]:
    return {tp.partition for tp in c.assignment()}


class Group:
    """Drives several consumers from one thread and records who got what."""

    def __init__(self, bootstrap: str, topic: str, n: int, strategy: str | None):
        self.bootstrap = bootstrap
        self.topic = topic
        self.group = unique("grp")
        conf = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                "max.poll.interval.ms": 60000}
        if strategy:
            conf["partition.assignment.strategy"] = strategy
        self.members = [consumer(bootstrap, self.group, **conf) for _ in range(n)]
        self.received: list[tuple[int, int, bytes]] = []  # (member, partition, value)
        self.misrouted: list[str] = []
        for c in self.members:
            c.subscribe([topic])

    def poll_all(self) -> None:
        for i, c in enumerate(self.members):
            m = c.poll(0.05)
            if m is None:
                continue
            assert not m.error(), f"member {i}: {m.error()}"
            if m.partition() not in owned(c):
                self.misrouted.append(f"member {i} got p{m.partition()} while owning {owned(c)}")
            self.received.append((i, m.partition(), m.value()))

    def snapshot(self) -> list[set[int]]:
        return [owned(c) for c in self.members]

    def wait_balanced(self, per_member: int) -> list[set[int]]:
        """Poll until every member owns `per_member` partitions, pairwise disjoint,
        together covering all partitions."""
        deadline = time.monotonic() + REBALANCE_TIMEOUT_S
        while time.monotonic() < deadline:
            self.poll_all()
            snap = self.snapshot()
            union = set().union(*snap)
            if (all(len(s) == per_member for s in snap) and union == set(range(PARTITIONS))
                    and sum(len(s) for s in snap) == PARTITIONS):
                return snap
        raise AssertionError(f"group did not balance to {per_member} partitions per member "
                             f"within {REBALANCE_TIMEOUT_S}s; assignments: {self.snapshot()}")

    def assert_markers_delivered_to_owners(self, tag: bytes) -> None:
        """Produce one marker per partition; each must reach the member owning it."""
        snap = self.snapshot()
        p = producer(self.bootstrap)
        for part in range(PARTITIONS):
            p.produce(self.topic, value=tag + b"-%d" % part, partition=part)
        assert p.flush(20) == 0, "markers not delivered"
        want = {tag + b"-%d" % part: part for part in range(PARTITIONS)}
        got: dict[bytes, tuple[int, int]] = {}
        deadline = time.monotonic() + REBALANCE_TIMEOUT_S
        while time.monotonic() < deadline:
            self.poll_all()
            got = {v: (i, part) for i, part, v in self.received if v in want}
            if len(got) == PARTITIONS:
                break
        else:
            raise AssertionError(f"markers {tag!r} received: {sorted(got)}; assignments {snap}")
        for value, (member, part) in got.items():
            assert part == want[value]
            assert part in snap[member], f"{value!r} consumed by member {member} owning {snap[member]}"
        assert not self.misrouted, self.misrouted
        assert self.snapshot() == snap, "assignment changed while the group should be stable"

    def close(self) -> None:
        for c in self.members:
            c.close()


@pytest.mark.parametrize("strategy", [None, "cooperative-sticky"], ids=["eager-range", "cooperative-sticky"])
def test_group_splits_partitions_and_rebalances_on_leave(robustmq, strategy):
    """Three members split 6 partitions 2/2/2 with no overlap; records flow to the
    owning member; after one member closes (LeaveGroup) the two left split all 6 3/3."""
    topic = unique("grp-topic")
    create_topic(robustmq.bootstrap, topic, partitions=PARTITIONS)
    g = Group(robustmq.bootstrap, topic, 3, strategy)
    try:
        g.wait_balanced(per_member=2)
        g.assert_markers_delivered_to_owners(b"phase1")

        leaver = g.members.pop(0)
        leaver.close()
        g.wait_balanced(per_member=3)
        g.received.clear()
        g.assert_markers_delivered_to_owners(b"phase2")
    finally:
        g.close()
