#!/bin/sh
# Soak test of crash safety: many SIGKILL trials of the durability crash test.
# Usage: tests/durability_soak.sh [TRIALS] [ROUNDS]
set -eu
TRIALS=${1:-200}
ROUNDS=${2:-5}
cd "$(dirname "$0")/.."
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    DURABILITY_TRIALS=$TRIALS cargo test --test durability_crash -- --nocapture
    i=$((i + 1))
done
echo "soak: $ROUNDS rounds of $TRIALS kills passed"
