#!/usr/bin/env bash
# Runs the whole test suite while two CPU burners keep both cores busy. No test judges speed, so the suite must
# pass here exactly as on an idle machine; a failure means some test depends on timing.
set -u
cd "$(dirname "$0")/.."

burners=()
stop_burners() {
    # Ends exactly the processes this script started, by PID.
    for pid in "${burners[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    burners=()
}
trap stop_burners EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in 1 2; do
    yes > /dev/null &
    burners+=("$!")
done
echo "under-load: CPU burners running as PIDs ${burners[*]}"

dotnet test Functional.sln "$@"
status=$?

stop_burners
if [ "$status" -eq 0 ]; then
    echo "under-load: PASS: the suite passed with both cores kept busy"
else
    echo "under-load: FAIL: dotnet test exited with $status while both cores were kept busy"
fi
exit "$status"
