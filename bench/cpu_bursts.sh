#!/bin/bash
# CPU load in bursts beside a test run, as a neighbour on a shared CI machine gives it:
# N busy loops for ON seconds, none for OFF seconds, for SECONDS in all; every loop it started
# is ended by its pid. Usage: bench/cpu_bursts.sh N ON OFF SECONDS &
n=$1; on=$2; off=$3; end=$(( $(date +%s) + $4 ))
while [ "$(date +%s)" -lt "$end" ]; do
  pids=()
  for _ in $(seq "$n"); do python3 -c 'while True: pass' & pids+=($!); done
  sleep "$on"; kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null
  sleep "$off"
done
