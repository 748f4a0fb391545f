#!/usr/bin/env bash
# bench.sh: run the flow benchmarks and print how uccheck's flow compares with the same requests
# sent by a bare net/http client: the ratio of the means over the runs, and of the best runs
# (less swayed by other load on the machine, as go test runs one benchmark's runs, then the
# other's). Extra arguments go to go test, e.g. scripts/bench.sh -cpuprofile cpu.out
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test -run '^$' -bench Flow -benchmem -count 5 "$@" ./bench/)
printf '%s\n' "$out"
printf '%s\n' "$out" | awk '
	$1 ~ /^BenchmarkFlowUccheck/ { u += $3; ub += $5; ua += $7; nu++; if (umin == "" || $3 < umin) umin = $3 }
	$1 ~ /^BenchmarkFlowBareHTTP/ { h += $3; hb += $5; ha += $7; nh++; if (hmin == "" || $3 < hmin) hmin = $3 }
	END {
		if (nu == 0 || nh == 0) { print "bench.sh: missing benchmark results" > "/dev/stderr"; exit 1 }
		u /= nu; h /= nh
		printf "\nuccheck: %.0f ns/op, %.0f B/op, %.0f allocs/op (mean of %d runs; best %.0f ns/op)\n", u, ub / nu, ua / nu, nu, umin
		printf "bare:    %.0f ns/op, %.0f B/op, %.0f allocs/op (mean of %d runs; best %.0f ns/op)\n", h, hb / nh, ha / nh, nh, hmin
		printf "ratio uccheck/bare: %.2fx of the means, %.2fx of the best runs (target: within 1.50x)\n", u / h, umin / hmin
	}'
