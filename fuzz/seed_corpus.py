#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from real data (the generated corpus is not committed).

Sources:
  - the AWS-recorded conformance cases, /work/shared/conformance/localstack/cases/**.json
    (their `definition` and `input` fields);
  - the benchmark workloads, /work/shared/bench/workloads/*.asl.json (+ *.input.json);
  - the official JSONata suite, /work/shared/conformance/jsonata/groups/**.json (each
    case's `expr`, with its `data` when it is small), and the `{% %}` expressions in
    the conformance definitions;
  - the saved regression inputs, tests/fuzz_regressions/<target>/*.

Input formats (see fuzz/targets_common.rs): pairs are separated by a NUL byte.
  definition  definition JSON, NUL, execution input JSON
  path        path text, NUL, JSON document
  intrinsic   call text, NUL, JSON input
  choice      rule JSON, NUL, JSON input
  timestamp   text
  jsonata     expression text, NUL, state input JSON

Usage: python3 fuzz/seed_corpus.py [--shared /work/shared]
"""

import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGETS = ["definition", "path", "intrinsic", "choice", "timestamp", "jsonata"]

# Fields whose string value is a path (besides any key ending in `.$`).
PATH_FIELDS = {"InputPath", "OutputPath", "ResultPath", "ItemsPath", "Variable"}


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Corpus:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.seen = {t: set() for t in TARGETS}
        self.counts = {t: 0 for t in TARGETS}

    def add(self, target, data, limit=None):
        if limit is not None and self.counts[target] >= limit:
            return
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen[target]:
            return
        self.seen[target].add(digest)
        d = os.path.join(self.out_dir, target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, digest), "wb") as f:
            f.write(data)
        self.counts[target] += 1


def walk(v, key=None):
    """Yields (key, value) for every member/item, depth first."""
    yield key, v
    if isinstance(v, dict):
        for k, x in v.items():
            yield from walk(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x, key)


# Largest execution input kept in a seed (larger ones are replaced by `{}`), so that
# libFuzzer's default -max_len (the largest seed) stays small and iterations fast.
MAX_INPUT_BYTES = 4096
MAX_DEFINITION_BYTES = 16384


def harvest(corpus, definition, inp):
    inp_bytes = compact(inp if inp is not None else {})
    if len(inp_bytes) > MAX_INPUT_BYTES:
        inp_bytes = b"{}"
    def_bytes = compact(definition)
    # A few cases carry ~256 KB literals (payload-limit tests): too slow as seeds.
    if len(def_bytes) <= MAX_DEFINITION_BYTES:
        corpus.add("definition", def_bytes + b"\0" + inp_bytes)
        # Also the definition alone, pretty-printed (the text form users write).
        corpus.add("definition", json.dumps(definition, indent=2).encode("utf-8"))
    for key, v in walk(definition):
        if isinstance(v, str) and isinstance(key, str):
            is_path_field = key in PATH_FIELDS or (
                key.endswith("Path") and not key.endswith(".$")
            )
            if v.startswith("States."):
                corpus.add("intrinsic", v.encode("utf-8") + b"\0" + inp_bytes)
            elif v.startswith("$") and (is_path_field or key.endswith(".$")):
                corpus.add("path", v.encode("utf-8") + b"\0" + inp_bytes)
            if looks_like_timestamp(v):
                corpus.add("timestamp", v.encode("utf-8"))
        if isinstance(v, str) and v.startswith("{%") and v.endswith("%}"):
            corpus.add("jsonata", v[2:-2].strip().encode("utf-8") + b"\0" + inp_bytes)
        if key == "Choices" and isinstance(v, list):
            for rule in v:
                corpus.add("choice", compact(rule) + b"\0" + inp_bytes)
    for _, v in walk(inp):
        if isinstance(v, str) and looks_like_timestamp(v):
            corpus.add("timestamp", v.encode("utf-8"))


def looks_like_timestamp(s):
    return len(s) >= 19 and s[4:5] == "-" and s[7:8] == "-" and s[:4].isdigit()


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="/work/shared")
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    args = ap.parse_args()
    corpus = Corpus(args.out)

    cases = os.path.join(args.shared, "conformance", "localstack", "cases")
    n_cases = 0
    for dirpath, _, files in sorted(os.walk(cases)):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            try:
                case = load(os.path.join(dirpath, name))
            except (OSError, ValueError) as e:
                print(f"skip {name}: {e}", file=sys.stderr)
                continue
            if isinstance(case, dict) and isinstance(case.get("definition"), dict):
                harvest(corpus, case["definition"], case.get("input"))
                n_cases += 1

    workloads = os.path.join(args.shared, "bench", "workloads")
    if os.path.isdir(workloads):
        for name in sorted(os.listdir(workloads)):
            if not name.endswith(".asl.json"):
                continue
            definition = load(os.path.join(workloads, name))
            inp_path = os.path.join(workloads, name[: -len(".asl.json")] + ".input.json")
            inp = load(inp_path) if os.path.exists(inp_path) else {}
            harvest(corpus, definition, inp)

    suite = os.path.join(args.shared, "conformance", "jsonata", "groups")
    for dirpath, _, files in sorted(os.walk(suite)):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            try:
                cases = load(os.path.join(dirpath, name))
            except (OSError, ValueError):
                continue  # a few cases are not valid JSON (lone surrogates)
            for case in cases if isinstance(cases, list) else [cases]:
                if isinstance(case, dict) and isinstance(case.get("expr"), str):
                    data = compact(case["data"]) if "data" in case else b""
                    if len(data) > MAX_INPUT_BYTES:
                        data = b""
                    expr = case["expr"].encode("utf-8", "replace")
                    corpus.add("jsonata", expr + b"\0" + data if data else expr)

    # A few hand-written timestamp and millisecond seeds.
    for s in [
        "2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00.123456789+18:00",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999-18:00",
        "2024-02-29T12:00:00.5Z",
    ]:
        corpus.add("timestamp", s.encode())

    regressions = os.path.join(ROOT, "tests", "fuzz_regressions")
    for target in TARGETS:
        d = os.path.join(regressions, target)
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                with open(os.path.join(d, name), "rb") as f:
                    corpus.add(target, f.read())

    print(f"{n_cases} cases read; corpus in {args.out}:")
    for t in TARGETS:
        print(f"  {t}: {corpus.counts[t]} files")


if __name__ == "__main__":
    main()
