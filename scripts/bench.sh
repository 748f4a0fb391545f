#!/usr/bin/env bash
# bench.sh: run the flow benchmarks and print how uccheck's flow compares with the same requests
# sent by a bare net/http client (averages over the runs). Extra arguments go to go test, e.g.
# scripts/bench.sh -cpuprofile cpu.out
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test -run '^$' -bench Flow -benchmem -count 5 "$@" ./bench/)
printf '%s\n' "$out"
printf '%s\n' "$out" | awk '
	$1 ~ /^BenchmarkFlowUccheck/ { u += $3; ub += $5; ua += $7; nu++ }
	$1 ~ /^BenchmarkFlowBareHTTP/ { h += $3; hb += $5; ha += $7; nh++ }
	END {
		if (nu == 0 || nh == 0) { print "bench.sh: missing benchmark results" > "/dev/stderr"; exit 1 }
		u /= nu; h /= nh
		printf "\nuccheck: %.0f ns/op, %.0f B/op, %.0f allocs/op (mean of %d runs)\n", u, ub / nu, ua / nu, nu
		printf "bare:    %.0f ns/op, %.0f B/op, %.0f allocs/op (mean of %d runs)\n", h, hb / nh, ha / nh, nh
		printf "ratio uccheck/bare: %.2fx (target: within 1.50x)\n", u / h
	}'
