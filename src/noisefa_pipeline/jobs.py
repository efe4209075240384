"""Snakemake's job listings, read: the blocks a dry run or a run prints for each job.

    [Sun Dec  6 02:19:17 2026]
    rule train_networks:
        input: results/quick/data/mnist/train.npz, ...
        output: results/quick/runs/fast_learning/mnist/depth2/base/fa
        log: results/quick/logs/train_networks/...
        jobid: 58
        wildcards: study=fast_learning, dataset=mnist, depth=2, variant=base, method=fa
        resources: tmpdir=/tmp, gpu=1

(`localrule` for jobs that run on the submitting host), and during a run
`Finished jobid: 58 (Rule: train_networks)` or `Error in rule train_networks:` followed by
a block of the same shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from noisefa.files import WEIGHTS_LEFT_OUT

# Rules that declare whole network folders but read only their tables and summaries:
# their jobs never make a weight file needed.
WEIGHTLESS_RULES = ("collect_study",)
FINISHED = re.compile(r"^Finished jobid: (\d+) \(Rule: ([\w]+)\)")
ERROR = re.compile(r"^Error in rule ([\w]+):")


@dataclass
class JobBlock:
    rule: str
    fields: dict[str, str] = field(default_factory=dict)

    def _list(self, key: str) -> tuple[str, ...]:
        return tuple(v for v in self.fields.get(key, "").split(", ") if v)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self._list("input")

    @property
    def outputs(self) -> tuple[str, ...]:
        return self._list("output")

    @property
    def jobid(self) -> str:
        return self.fields.get("jobid", "")

    @property
    def log(self) -> str:
        return self.fields.get("log", "").split(" (check")[0]

    @property
    def wildcards(self) -> dict[str, str]:
        found = {}
        for item in self._list("wildcards"):
            key, _, value = item.partition("=")
            found[key] = value
        return found


class BlockReader:
    """Feed it lines; it yields each job block once complete (`error` marks blocks that
    follow an `Error in rule` line)."""

    def __init__(self):
        self.block: JobBlock | None = None
        self.error = False

    def feed(self, line: str) -> JobBlock | None:
        """The block this line completes, if any."""
        done = None
        head = line.rstrip()
        match = ERROR.match(head)
        if match or (head.startswith(("rule ", "localrule ")) and head.endswith(":")):
            done = self.close()
            self.error = bool(match)
            self.block = JobBlock(match.group(1) if match else head.split()[1].rstrip(":"))
        elif self.block is not None and line.startswith("    ") and ": " in line:
            key, _, value = line.strip().partition(": ")
            self.block.fields[key] = value
        elif self.block is not None and head and not line.startswith(" "):
            done = self.close()
        return done

    def close(self) -> JobBlock | None:
        block, self.block = self.block, None
        if block is not None:
            block.fields.setdefault("_error", "1" if self.error else "")
        return block


def parse_blocks(text: str) -> list[JobBlock]:
    reader, blocks = BlockReader(), []
    for line in text.splitlines():
        if (done := reader.feed(line)) is not None:
            blocks.append(done)
    if (done := reader.close()) is not None:
        blocks.append(done)
    return blocks


def left_out_inputs(blocks: list[JobBlock]) -> list[str]:
    """The folders whose weights a restored snapshot left out (WEIGHTS_LEFT_OUT) that a
    planned job reads: their jobs must run again first."""
    found = set()
    for block in blocks:
        if block.rule in WEIGHTLESS_RULES:
            continue
        for path in block.inputs:
            for folder in (Path(path), *Path(path).parents):
                if (folder / WEIGHTS_LEFT_OUT).is_file():
                    found.add(str(folder))
    return sorted(found)
