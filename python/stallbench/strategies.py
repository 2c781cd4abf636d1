"""What goes on the wire each step, and how a rank rebuilds the step it launches from (src/strategies/*.ts).

The scheduler side runs before the clock starts (bookkeeping); the rank side is timed as derive. The rebuilt view is
the step with every request's block table and the slots of this step's new tokens only.
"""
import numpy as np

from .columns import INT32, offsets_of, ranges, slots_of

STRATEGIES = ("full", "new-slots", "no-slots", "delta")


def delta_of(previous, step):
    """Every scheduled request with its lengths; block tables in full for new requests, else only the appended blocks; no slots."""
    known = {}
    if previous is not None:
        prev = previous["blockTableOffsets"]
        known = {req_id: int(prev[i + 1] - prev[i]) for i, req_id in enumerate(previous["reqIds"])}
    offsets = step["blockTableOffsets"]
    begins = offsets[:-1].astype(np.int64)
    held = np.fromiter((known.get(r, 0) for r in step["reqIds"]), dtype=np.int64, count=len(step["reqIds"]))
    starts = begins + np.minimum(held, offsets[1:] - begins)
    counts = offsets[1:] - starts
    out_offsets = offsets_of(counts)
    tables = step["blockTables"][ranges(starts, counts, out_offsets)]
    batch = len(step["reqIds"])
    return {**step, "blockTableOffsets": out_offsets, "blockTables": tables,
            "slotOffsets": np.zeros(batch + 1, dtype=INT32), "slotMapping": np.zeros(0, dtype=INT32)}


class SchedulerSide:
    """The scheduler's bookkeeping for one strategy: the wire payload of each step."""

    def __init__(self, strategy):
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy '{strategy}'; known: {', '.join(STRATEGIES)}")
        self.strategy = strategy
        self.previous = None

    def wire(self, step, restart):
        if self.strategy == "full":
            return slots_of(step, "full")
        if self.strategy == "new-slots":
            return slots_of(step, "new")
        if self.strategy == "no-slots":
            return slots_of(step, "none")
        delta = delta_of(None if restart else self.previous, step)
        self.previous = step
        return delta


def new_slots_from_full(wire):
    """Slices the new tokens' slots out of a payload carrying all of them: O(batch), no derivation."""
    counts = wire["numNewTokens"]
    offsets = offsets_of(counts)
    ends = wire["slotOffsets"][1:].astype(np.int64)
    return {**wire, "slotOffsets": offsets, "slotMapping": wire["slotMapping"][ranges(ends - counts, counts, offsets)]}


class DeltaState:
    """Per-request block tables that grow in place (capacity doubling), as a worker keeps them (src/strategies/delta.ts)."""

    def __init__(self):
        self.requests = {}
        self.last_step_id = -1

    def apply(self, delta):
        """Applies one delta; returns the step's full block tables as CSR. A non-consecutive stepId starts a new sequence."""
        if delta["stepId"] != self.last_step_id + 1:
            self.requests.clear()
        self.last_step_id = delta["stepId"]
        offsets, tables, size = delta["blockTableOffsets"], delta["blockTables"], delta["blockSize"]
        seq_lens = delta["seqLens"]
        scheduled = {}
        held = []
        for i, req_id in enumerate(delta["reqIds"]):
            added = tables[offsets[i]:offsets[i + 1]]
            state = self.requests.get(req_id)
            if state is None:
                state = [np.empty(max(16, 2 * len(added)), dtype=INT32), 0]
            blocks, count = state
            if count + len(added) > len(blocks):
                grown = np.empty(max(2 * len(blocks), count + len(added)), dtype=INT32)
                grown[:count] = blocks[:count]
                blocks = state[0] = grown
            blocks[count:count + len(added)] = added
            count = state[1] = count + len(added)
            expected = -(-int(seq_lens[i]) // size)
            if count != expected:
                raise ValueError(f"request {req_id} holds {count} blocks after step {delta['stepId']}, expected {expected} (a delta was lost)")
            scheduled[req_id] = state
            held.append(blocks[:count])
        # Requests not scheduled this step have finished: their state goes.
        self.requests = scheduled
        counts = np.fromiter((len(h) for h in held), dtype=np.int64, count=len(held))
        full = np.concatenate(held) if held else np.zeros(0, dtype=INT32)
        return offsets_of(counts), full


class RankSide:
    """A rank's side of a strategy: the step view it launches from, rebuilt from each wire payload."""

    def __init__(self, strategy):
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy '{strategy}'; known: {', '.join(STRATEGIES)}")
        self.strategy = strategy
        self.state = DeltaState()

    def reset(self):
        """Forgets what earlier steps left: the next step starts a new sequence."""
        self.state = DeltaState()

    def apply(self, wire):
        if self.strategy == "full":
            return new_slots_from_full(wire)
        if self.strategy == "new-slots":
            return wire
        if self.strategy == "no-slots":
            return slots_of(wire, "new")
        offsets, tables = self.state.apply(wire)
        return slots_of({**wire, "blockTableOffsets": offsets, "blockTables": tables}, "new")


def step_view(step):
    """What a rank must rebuild from a full step: every block table and the new tokens' slots."""
    return slots_of(step, "new")
