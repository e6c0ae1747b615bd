#!/usr/bin/env python3
"""Replaces one benchmark's section of BENCHMARKS.md (between <!-- NAME:begin --> and <!-- NAME:end -->).

Usage: bench/write_section.py NAME < TEXT   (or, from Python: write_section(NAME, TEXT))
"""
import re
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def write_section(name, text):
    content = BENCHMARKS.read_text()
    pattern = re.compile(rf"(<!-- {re.escape(name)}:begin -->\n).*?(<!-- {re.escape(name)}:end -->)", re.S)
    if not pattern.search(content):
        sys.exit(f"BENCHMARKS.md has no section {name}")
    BENCHMARKS.write_text(pattern.sub(lambda m: m.group(1) + text.rstrip("\n") + "\n" + m.group(2), content))


if __name__ == "__main__":
    write_section(sys.argv[1], sys.stdin.read())
