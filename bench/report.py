"""Turn bench/run's raw results into the table: `python bench/report.py RESULTS OUT.md`.

RESULTS has one line per wrk run: target name, round, and the BENCH_RESULT line that
bench/load.lua prints. For each target, over its measured rounds: requests per second
(all requests over all seconds), the median of the rounds' p50 and p99 latencies, the
replies that were not 2xx, the ratio to the floor's requests per second in the same
run, and the lowest and highest ratio of one round to the floor's in that round (how
noisy the machine was). Prints the table, writes it as Markdown to OUT.md (with the
settings and the machine, from the environment bench/run sets), and exits 1 if any
reply was not 2xx or any connection failed.
"""

import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

FLOOR = "floor"


def _parse(path: Path) -> tuple[list[str], dict[str, list[dict[str, str]]]]:
    runs: dict[str, list[dict[str, str]]] = defaultdict(list)
    order: list[str] = []
    for line in path.read_text().splitlines():
        name, _round, result = line.split("\t")
        fields = dict(item.split("=", 1) for item in result.split()[1:])
        if name not in runs:
            order.append(name)
        runs[name].append(fields)
    return order, runs


def rows(path: Path) -> list[dict]:
    order, runs = _parse(path)
    table = []
    for name in order:
        results = runs[name]
        requests = sum(int(r["requests"]) for r in results)
        seconds = sum(int(r["duration_us"]) for r in results) / 1e6
        table.append(
            {
                "page": name,
                "rps": requests / seconds if seconds else 0.0,
                "p50": statistics.median(int(r["p50_us"]) for r in results) / 1000,
                "p99": statistics.median(int(r["p99_us"]) for r in results) / 1000,
                "non2xx": sum(int(r["non2xx"]) for r in results),
                "socket_errors": sum(int(r["socket_errors"]) for r in results),
                "statuses": ",".join(r["statuses"] for r in results if r["statuses"] != "-"),
                "bytes": sum(int(r["bytes"]) for r in results) // requests if requests else 0,
                "requests": requests,
            }
        )
    floor = next((row["rps"] for row in table if row["page"] == FLOOR), 0.0)
    floor_rounds = [_rps(result) for result in runs.get(FLOOR, [])]
    for row in table:
        row["ratio"] = row["rps"] / floor if floor else float("nan")
        # How much the ratio moved from round to round: the noise of the machine.
        ratios = [
            _rps(result) / floor_rps
            for result, floor_rps in zip(runs[row["page"]], floor_rounds, strict=False)
            if floor_rps
        ]
        row["ratio_range"] = (min(ratios), max(ratios)) if ratios else (0.0, 0.0)
    return table


def _rps(result: dict[str, str]) -> float:
    seconds = int(result["duration_us"]) / 1e6
    return int(result["requests"]) / seconds if seconds else 0.0


HEADER = [
    "page",
    "req/s",
    "p50 ms",
    "p99 ms",
    "non-2xx",
    "ratio to floor",
    "ratio by round",
    "bytes/reply",
]


def _cells(row: dict) -> list[str]:
    return [
        row["page"],
        f"{row['rps']:.0f}",
        f"{row['p50']:.1f}",
        f"{row['p99']:.1f}",
        str(row["non2xx"] + row["socket_errors"]),
        f"{row['ratio']:.2f}",
        "{:.2f} to {:.2f}".format(*row["ratio_range"]),
        f"{row['bytes']:,}",
    ]


def text_table(table: list[dict]) -> str:
    lines = [HEADER, *(_cells(row) for row in table)]
    widths = [max(len(line[n]) for line in lines) for n in range(len(HEADER))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if n == 0 else cell.rjust(width)
            for n, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def markdown_table(table: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---" + "|---:" * (len(HEADER) - 1) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in table]
    return "\n".join(lines)


def settings_line() -> str:
    names = [
        "BENCH_WORKERS",
        "BENCH_CONNECTIONS",
        "BENCH_SECONDS",
        "BENCH_ROUNDS",
        "CONN_MAX_AGE",
        "BENCH_COMMIT",
        "BENCH_STARTED",
    ]
    return ", ".join(f"{name}={os.environ.get(name, '?')}" for name in names)


def main(results: Path, out: Path) -> int:
    table = rows(results)
    print(text_table(table))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        f"{markdown_table(table)}\n\n{settings_line()}\n\n{os.environ.get('BENCH_MACHINE', '')}\n"
    )
    print(f"\nWritten to {out}")
    failed = [row for row in table if row["non2xx"] or row["socket_errors"]]
    for row in failed:
        print(
            f"FAILED: {row['page']}: {row['non2xx']} replies not 2xx "
            f"(statuses {row['statuses'] or '-'}), {row['socket_errors']} socket errors",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
