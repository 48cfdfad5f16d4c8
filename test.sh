#!/usr/bin/env bash
# Builds zeroheap and runs its whole test suite (unit, property and stress tests).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh
exec "$MVN" -B -ntp verify "$@"
