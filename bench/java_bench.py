#!/usr/bin/env python3
"""What the Java benchmark drivers share: build the project, the bench module's class path, and the
ffmpeg program of the same FFmpeg build (it ships inside the bytedeco jar)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, cwd=ROOT, **kw).stdout


def build(work):
    """Installs the modules; returns (class path of the bench programs, path of the bundled ffmpeg)."""
    run(["mvn", "-B", "-q", "-DskipTests", "install"])
    work.mkdir(parents=True, exist_ok=True)
    classpath_file = work / "classpath.txt"
    run(["mvn", "-B", "-q", "-pl", "bench", "dependency:build-classpath", f"-Dmdep.outputFile={classpath_file}"])
    classpath = f"{ROOT / 'bench/target/bench-0.1.0-SNAPSHOT.jar'}:{classpath_file.read_text().strip()}"
    ffmpeg = run(["java", "-cp", classpath, "dev.vcdn.bench.TranscodeBench", "--ffmpeg-path"]).strip().splitlines()[-1]
    return classpath, ffmpeg
