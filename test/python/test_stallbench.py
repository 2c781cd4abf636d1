"""Unit tests of stallbench's Python side (run by test/python/python.test.ts with an interpreter that has numpy, pyzmq, msgpack)."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

import numpy as np  # noqa: E402

from stallbench.codecs import CODECS, create_codec  # noqa: E402
from stallbench.fingerprint import message_fingerprint  # noqa: E402
from stallbench.message import first_difference  # noqa: E402
from stallbench.message_codecs import MESSAGE_CODECS  # noqa: E402
from stallbench.columns import INT32, FLOAT32, fingerprint_of, slots_of  # noqa: E402
from stallbench.payload import ARRAY_FIELDS  # noqa: E402
from stallbench.strategies import DeltaState, RankSide, SchedulerSide, STRATEGIES, step_view  # noqa: E402

CTX_META = {"kind": "ctx-meta"}

# The same payload in test/python/python.test.ts, where TypeScript's messageFingerprint() gives this digest.
KNOWN_DIGEST = "04509111be2654ccef24701015975aff0df17568c8e34345467f43841f6b7c98"


def payload(step_id, block_size, requests, coverage="none"):
    """A columnar payload from (req_id, seq_len, new_tokens, temperature, top_p, top_k, blocks) tuples."""
    table_lengths = [len(r[6]) for r in requests]
    base = {
        "stepId": step_id, "blockSize": block_size, "reqIds": [r[0] for r in requests],
        "seqLens": np.array([r[1] for r in requests], dtype=INT32),
        "numNewTokens": np.array([r[2] for r in requests], dtype=INT32),
        "temperature": np.array([r[3] for r in requests], dtype=FLOAT32),
        "topP": np.array([r[4] for r in requests], dtype=FLOAT32),
        "topK": np.array([r[5] for r in requests], dtype=INT32),
        "blockTableOffsets": np.concatenate([[0], np.cumsum(table_lengths)]).astype(INT32),
        "blockTables": np.array([b for r in requests for b in r[6]], dtype=INT32),
    }
    return slots_of(base, coverage)


def sequence(steps, batch, block_size, seed, finish_rate=0.2):
    """Consecutive decode steps: each request grows a token a step, takes a block at a boundary, sometimes finishes."""
    rng = random.Random(seed)
    free = rng.sample(range(1 << 20), 4096)
    counter = [0]

    def admit(prompt):
        counter[0] += 1
        blocks = [free.pop() for _ in range(-(-prompt // block_size))]
        return [f"r{counter[0]}", prompt, prompt, 0.5, 0.9, 20, blocks]

    running = [admit(rng.randint(1, 40)) for _ in range(batch)]
    out = []
    for step in range(steps):
        if step > 0:
            nxt = []
            for r in running:
                if rng.random() < finish_rate:
                    nxt.append(admit(rng.randint(1, 40)))
                else:
                    seq = r[1] + 1
                    blocks = r[6] + ([free.pop()] if seq > len(r[6]) * block_size else [])
                    nxt.append([r[0], seq, 1, r[3], r[4], r[5], blocks])
            running = nxt
        out.append(payload(step, block_size, [tuple(r) for r in running]))
    return out


def same(a, b):
    return fingerprint_of(a) == fingerprint_of(b)


class Fingerprint(unittest.TestCase):
    def test_matches_typescript_on_a_known_payload(self):
        p = payload(7, 4, [("req-0", 9, 1, 0.7, 0.9, 50, [1000003, 12, 77]),
                           ("請求-é-🚀", 4, 4, 1.0, 0.95, -1, [5])], "new")
        self.assertEqual(p["slotMapping"].tolist(), [308, 20, 21, 22, 23])
        self.assertEqual(fingerprint_of(p), KNOWN_DIGEST)

    def test_changes_with_any_field(self):
        p = payload(7, 4, [("a", 5, 1, 0.7, 0.9, 50, [3, 4])], "new")
        for field in ARRAY_FIELDS:
            if len(p[field]) == 0:
                continue
            changed = {**p, field: p[field].copy()}
            changed[field][-1] += 1
            self.assertNotEqual(fingerprint_of(changed), fingerprint_of(p), field)


class Slots(unittest.TestCase):
    def test_derivation_matches_a_plain_loop(self):
        for p in sequence(5, 6, 4, seed=1):
            for coverage in ("full", "new", "none"):
                got = slots_of(p, coverage)
                want = []
                for i in range(len(p["reqIds"])):
                    seq, new = int(p["seqLens"][i]), int(p["numNewTokens"][i])
                    count = {"full": seq, "new": new, "none": 0}[coverage]
                    start = int(p["blockTableOffsets"][i])
                    want += [int(p["blockTables"][start + pos // 4]) * 4 + pos % 4 for pos in range(seq - count, seq)]
                self.assertEqual(got["slotMapping"].tolist(), want)
                self.assertEqual(int(got["slotOffsets"][-1]), len(want))


class Strategies(unittest.TestCase):
    def test_every_rank_side_rebuilds_the_step_view_across_a_sequence(self):
        steps = sequence(30, 5, 4, seed=2)
        for strategy in STRATEGIES:
            scheduler, rank = SchedulerSide(strategy), RankSide(strategy)
            for i, step in enumerate(steps):
                restart = i in (0, 17)
                if restart:
                    rank.reset()
                view = rank.apply(scheduler.wire(step, restart))
                self.assertTrue(same(view, step_view(step)), f"{strategy} step {i}")

    def test_a_delta_sends_only_appended_blocks_after_the_first_step(self):
        steps = sequence(3, 4, 4, seed=3, finish_rate=0)
        side = SchedulerSide("delta")
        first, second = side.wire(steps[0], True), side.wire(steps[1], False)
        self.assertEqual(len(first["blockTables"]), len(steps[0]["blockTables"]))
        self.assertEqual(len(second["blockTables"]), len(steps[1]["blockTables"]) - len(steps[0]["blockTables"]))
        self.assertEqual(len(second["slotMapping"]), 0)

    def test_a_lost_delta_is_an_error(self):
        # One token per block: every request takes a block every step, so a lost delta always shows.
        steps = sequence(3, 4, 1, seed=3, finish_rate=0)
        side, state = SchedulerSide("delta"), DeltaState()
        state.apply(side.wire(steps[0], True))
        side.wire(steps[1], False)
        with self.assertRaisesRegex(ValueError, "a delta was lost"):
            state.apply({**side.wire(steps[2], False), "stepId": 1})


class Codecs(unittest.TestCase):
    def test_every_codec_round_trips_every_strategy_bit_for_bit(self):
        steps = sequence(6, 5, 4, seed=4)
        for name in [*CODECS, "msgpack"]:
            codec = create_codec(name, CTX_META)
            for strategy in STRATEGIES:
                side = SchedulerSide(strategy)
                for i, step in enumerate(steps):
                    wire = side.wire(step, i == 0)
                    frames = [bytes(f) for f in codec.encode(codec.prepare(wire))]
                    back = codec.to_columnar(codec.decode(frames))
                    self.assertTrue(same(back, wire), f"{name} {strategy} step {i}")
                    self.assertEqual(back["reqIds"], wire["reqIds"])

    def test_out_of_band_arrays_travel_as_their_own_frames(self):
        step = sequence(1, 3, 4, seed=5)[0]
        wire = SchedulerSide("full").wire(step, True)
        frames = create_codec("pickle-oob", CTX_META).encode(create_codec("pickle-oob", CTX_META).prepare(wire))
        self.assertEqual(len(frames), 1 + len(ARRAY_FIELDS))
        self.assertEqual(memoryview(frames[-1]).nbytes, wire["slotMapping"].nbytes)

    def test_an_unknown_codec_names_the_known_ones(self):
        with self.assertRaisesRegex(ValueError, "pickle, pickle-oob, msgpack-numpy, msgpack"):
            create_codec("nope", CTX_META)
        with self.assertRaisesRegex(ValueError, "for captured messages; known: pickle, pickle-oob, msgpack, msgpack-numpy"):
            create_codec("nope", {"kind": "message", "dtypes": {}})


# A captured-style message: nested records, a list of records, declared arrays, -0.0, NaN, bools, None, unicode keys.
DTYPES = {"/reqs/*/ids": "int32", "/reqs/*/blocks": "uint16", "/probs": "float32", "/seen": "int32"}


def message(step):
    return {
        "step_id": step, "flags": {"ok": True, "none": None, "négatif": -0.0, "nan": float("nan")},
        "reqs": [{"id": f"r{i}", "ids": np.arange(i + step, dtype=np.int32), "blocks": np.array([i, step], dtype=np.uint16)}
                 for i in range(3)],
        "probs": np.array([0.5, -0.0, step], dtype=np.float32),
        "seen": np.arange(4 + step, dtype=np.int32),
        "*": [1, 2.5, "x"],
    }


class Messages(unittest.TestCase):
    def test_every_message_codec_and_a_module_round_trip_full_and_delta_steps_bit_for_bit(self):
        from stallbench.message import MessageRankSide
        kind = {"kind": "message", "dtypes": DTYPES}
        module = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "python", "frames_codec.py")
        for name in [*MESSAGE_CODECS, module]:
            codec = create_codec(name, kind)
            for strategy in ("full", "delta"):
                side = MessageRankSide(strategy)
                previous = None
                for step in range(4):
                    full = message(step)
                    wire = full if strategy == "full" else python_delta(previous, full, step)
                    previous = full
                    frames = [bytes(f) for f in codec.encode(codec.prepare(wire))]
                    back = codec.to_columnar(codec.decode(frames))
                    self.assertIsNone(first_difference(wire, back), f"{name} {strategy} step {step}")
                    view = side.apply(back)
                    self.assertEqual(message_fingerprint(view), message_fingerprint(full), f"{name} {strategy} step {step}")

    def test_the_first_difference_names_the_path_and_index(self):
        a, b = message(1), message(1)
        b["reqs"][2]["ids"] = b["reqs"][2]["ids"].copy()
        b["reqs"][2]["ids"][1] += 1
        self.assertEqual(first_difference(a, b), "/reqs/2/ids[1]: 1 vs 2")
        b = message(1)
        b["flags"]["négatif"] = 0.0
        self.assertEqual(first_difference(a, b), "/flags/négatif: -0.0 vs 0.0")
        b = message(1)
        b["probs"] = b["probs"].copy()
        b["probs"][1] = 0.0
        self.assertEqual(first_difference(a, b), "/probs[1]: -0.0 vs 0.0")
        self.assertIsNone(first_difference(message(2), message(2)))

    def test_a_codec_module_that_fails_says_which_call(self):
        from stallbench.modules import UserCodeError
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "python")
        for file, call in (("broken_import.py", "load"), ("no_factory.py", "create")):
            with self.assertRaises(UserCodeError) as caught:
                create_codec(os.path.join(here, file), {"kind": "message", "dtypes": {}})
            self.assertEqual(caught.exception.call, call)
        codec = create_codec(os.path.join(here, "throws_codec.py"), {"kind": "message", "dtypes": {}})
        codec.encode({"a": 1})
        with self.assertRaises(UserCodeError) as caught:
            codec.encode({"a": 1})
        self.assertEqual((caught.exception.call, str(caught.exception)), ("encode", "ValueError: boom in encode"))
        import tempfile
        with tempfile.TemporaryDirectory() as folder:
            impostor = os.path.join(folder, "impostor.py")
            with open(impostor, "w") as f:
                f.write("class C:\n    name = 'pickle'\n    def encode(self, m): return []\n    def decode(self, f): return {}\n\ndef create():\n    return C()\n")
            with self.assertRaisesRegex(UserCodeError, "named 'pickle', which is a built-in's"):
                create_codec(impostor, {"kind": "message", "dtypes": {}})


class Replay(unittest.TestCase):
    def test_a_capture_with_replay_reads_back_the_engine_objects_and_their_json_lines_agree(self):
        import json
        import tempfile
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "python"))
        import engine_standin
        from capture import Capture
        from stallbench.replay import as_message, read_replay, replay_mismatch
        from stallbench.message import from_plain
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "steps.jsonl")
            with Capture(path, replay=True) as capture:
                outputs = list(engine_standin.steps(8, seed=2))
                for output in outputs:
                    self.assertTrue(capture.write(output))
            # The buffers of an array travel out of band, and come back as the engine held them.
            objects = read_replay(path + ".replay")
            self.assertEqual(objects, outputs)
            self.assertIsInstance(objects[0], engine_standin.SchedulerOutput)
            with open(path, encoding="utf-8") as f:
                lines = [json.loads(line) for line in f]
            for step, (obj, line) in enumerate(zip(objects, lines)):
                self.assertIsNone(replay_mismatch(obj, from_plain(line, {}), {}, step))
            lines[3]["total_num_scheduled_tokens"] += 1
            self.assertRegex(replay_mismatch(objects[3], from_plain(lines[3], {}), {}, 3) or "",
                             r"^replay step 3 does not agree with its JSON line: /total_num_scheduled_tokens: \d+ vs \d+$")
            self.assertEqual(as_message(np.arange(3, dtype=np.int16), {"/value": "int16"})["value"].dtype, np.int16)

    def test_a_replay_file_cut_short_says_which_step(self):
        import tempfile
        from capture import REPLAY_MAGIC, replay_record
        from stallbench.modules import UserCodeError
        from stallbench.replay import read_replay
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "cut.replay")
            with open(path, "wb") as f:
                f.write(REPLAY_MAGIC + replay_record({"a": 1}) + replay_record({"b": np.arange(100)})[:-10])
            with self.assertRaisesRegex(UserCodeError, "step 1 does not unpickle: ValueError: cut short"):
                read_replay(path)


def python_delta(previous, full, step):
    """A keyframe then the changes of a message: seen grows (append), step_id and probs change (set), reqs are set whole."""
    if previous is None:
        return {"step": step, "full": full}
    return {"step": step, "changes": {"set": {"step_id": full["step_id"], "reqs": full["reqs"], "probs": full["probs"]},
                                      "append": {"seen": full["seen"][len(previous["seen"]):]}}}


if __name__ == "__main__":
    unittest.main()
