"""Throughput from a compiled load generator: Debian's ``wrk``, driven by a Lua script.

Every request's status is checked in Lua (anything outside 2xx is an error) and the
script's ``done`` hook prints one ``BENCH key=value ...`` line that ``parse`` reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

LUA = """
local bodies = {
%(bodies)s
}
local path = [==[%(path)s]==]
local headers = {%(headers)s}
local nthreads = %(threads)d
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  bad = 0
end

function request()
  -- Threads take disjoint cells; every visit to a cell flips its letters, so each
  -- edit changes something.
  local i = tid + n * nthreads
  n = n + 1
  local pair = bodies[(i %% #bodies) + 1]
  local flip = math.floor(i / #bodies) %% 2
  local body = pair[flip + 1]
  if body == "" then
    body = nil
  end
  return wrk.format("%(method)s", path, headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do
    non2xx = non2xx + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%%d duration_us=%%d non2xx=%%d connect=%%d read=%%d write=%%d " ..
    "timeout=%%d p50_us=%%d p99_us=%%d max_us=%%d\\n",
    summary.requests, summary.duration, non2xx, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str:
    """The path of ``wrk``; installs Debian's package when missing and allowed."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install -y wrk) ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, env=env)
        if subprocess.run(["which", "wrk"], capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update"], check=False, env=env)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, env=env)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit(
        "The benchmark measures throughput with wrk, which is not installed. Install it "
        "(Debian/Ubuntu: sudo apt-get install wrk) and run again."
    )


def _lua_str(s: str) -> str:
    if "]==]" in s:
        raise ValueError("text cannot be quoted for Lua")
    return f"[==[{s}]==]"


def script(
    *,
    method: str,
    path: str,
    headers: dict[str, str],
    bodies: Sequence[tuple[str, str]],
    threads: int,
) -> str:
    """A Lua script sending ``method path`` with each cell's two bodies in turn."""
    return LUA % {
        "bodies": ",\n".join(f"  {{{_lua_str(a)}, {_lua_str(b)}}}" for a, b in bodies),
        "path": path,
        "headers": ", ".join(f"[ {_lua_str(k)} ] = {_lua_str(v)}" for k, v in headers.items()),
        "threads": threads,
        "method": method,
    }


def parse(output: str) -> dict[str, float]:
    """The figures of a run from wrk's output (the script's ``BENCH`` line)."""
    line = next((ln for ln in output.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise ValueError(f"no BENCH line in wrk's output:\n{output}")
    raw = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
    seconds = raw["duration_us"] / 1e6
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "per_second": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "non2xx": raw["non2xx"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        "errors": errors,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
    }


def run(
    url: str,
    *,
    connections: int,
    seconds: int,
    method: str = "GET",
    path: str = "/",
    headers: dict[str, str] | None = None,
    bodies: Sequence[tuple[str, str]] = (("", ""),),
    threads: int = 1,
) -> dict[str, float]:
    """One wrk run against ``url`` (scheme, host and port); its figures."""
    lua = script(method=method, path=path, headers=headers or {}, bodies=bodies, threads=threads)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "bench.lua"
        file.write_text(lua)
        done = subprocess.run(
            [
                ensure_wrk(),
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{int(seconds)}s",
                "--timeout",
                "30s",
                "-s",
                str(file),
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse(done.stdout)
