"""Anonymous pipes to a child process: communicate() feeds stdin and drains stdout together, so neither side blocks."""
import subprocess
import sys

LINES = ["info: started", "error: disk full", "info: retrying", "error: gave up"]


def main() -> int:
    try:
        # communicate() writes and reads concurrently: writing everything first deadlocks once both pipes fill.
        result = subprocess.run(
            ["${1:grep}", "${2:error}"],
            input="".join(line + "\n" for line in LINES),
            capture_output=True,
            text=True,
            timeout=${3:10},
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"running the child failed: {e}", file=sys.stderr)
        return 1
    if result.returncode != 0:
        print(f"child failed ({result.returncode}): {result.stderr}", file=sys.stderr)
        return 1
    received = result.stdout.splitlines()
    $0
    expected = [line for line in LINES if "$2" in line]
    if received != expected:
        print(f"expected {expected}, got {received}", file=sys.stderr)
        return 1
    print(f"child returned {len(received)} of {len(LINES)} lines: {received}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
