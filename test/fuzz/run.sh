#!/usr/bin/env bash
# run.sh corpus|fuzz: covet's fuzz targets (test/fuzz/fuzz_*.c).
#
#   corpus  build each target with standalone.c's main (gcc, ASan and
#           UBSan, no clang needed) and run its corpus,
#           test/fuzz/corpus/<target>/, once: TAP, one test per target,
#           failing on a crash, a sanitizer report (leaks included) or an
#           abort of the harness's own checks.  "make test" runs this.
#   fuzz    build each target with clang -fsanitize=fuzzer,address,undefined
#           and fuzz it for FUZZ_SECONDS (default 60) seconds, starting from
#           its corpus; prints per target the executions done and any
#           crash, and exits non-zero if one crashed.  FUZZ_TARGETS limits
#           the run to some targets (names separated by spaces).  "make
#           fuzz" runs this.  New inputs go to results/fuzz/work/<target>/,
#           crashes to results/fuzz/crashes/; the corpus in the repository
#           is not touched (copy a crash there, minimized, with its fix).
#
# Run from anywhere; paths are the repository's.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
OUT=$ROOT/results/fuzz
LIBS="-lyaml -lyajl -lcsv -ldl"
CORE_SRC=$(ls src/core/*.c)
TARGETS=$(cd test/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
if [ -n "${FUZZ_TARGETS:-}" ]; then
	TARGETS=$FUZZ_TARGETS
fi

# build_core CC FLAGS DIR: the core's objects, once per tool chain.
build_core() {
	local cc=$1 flags=$2 dir=$3 f o
	mkdir -p "$dir"
	for f in $CORE_SRC; do
		o=$dir/$(basename "$f" .c).o
		if [ ! -e "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find src/core -name '*.h' -newer "$o")" ]; then
			$cc $flags -c -o "$o" "$f" || return 1
		fi
	done
}

corpus() {
	local flags="-O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-function -Isrc/core -Itest/fuzz"
	local san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
	local dir=$OUT/standalone n=0 t files log rc
	mkdir -p "$dir"
	# gcc's ASan where it works here; without it the corpora still run
	if ! echo 'int main(void){return 0;}' | gcc $san -x c -o "$dir/probe" - 2>/dev/null ||
		! "$dir/probe" 2>/dev/null; then
		echo "# gcc -fsanitize=address,undefined does not work here: building without sanitizers"
		san=""
	fi
	set -- $TARGETS
	echo "1..$#"
	if ! build_core gcc "$flags $san" "$dir/core" >"$dir/core-build.log" 2>&1; then
		for t in $TARGETS; do
			n=$((n + 1))
			echo "not ok $n - fuzz corpus $t # the core did not build"
		done
		sed 's/^/# /' "$dir/core-build.log" | head -n 30
		return 1
	fi
	for t in $TARGETS; do
		n=$((n + 1))
		log=$dir/$t.log
		if ! gcc $flags $san -rdynamic -o "$dir/$t" test/fuzz/standalone.c "test/fuzz/fuzz_$t.c" \
			"$dir"/core/*.o $LIBS >"$log" 2>&1; then
			echo "not ok $n - fuzz corpus $t # did not build"
			sed 's/^/# /' "$log" | head -n 20
			continue
		fi
		files=$(find "test/fuzz/corpus/$t" -type f 2>/dev/null | sort)
		if [ -z "$files" ]; then
			echo "not ok $n - fuzz corpus $t # no corpus in test/fuzz/corpus/$t"
			continue
		fi
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			timeout -k 10 600 "$dir/$t" $files >"$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && grep -q '^ok [0-9]* files' "$log"; then
			echo "ok $n - fuzz corpus $t ($(echo "$files" | wc -l) files)"
		else
			echo "not ok $n - fuzz corpus $t (exit $rc)"
			grep -E 'ERROR|SUMMARY|runtime error|#[0-9] |abort|status|out of memory' "$log" | head -n 25 | sed 's/^/# /'
		fi
	done
}

fuzz() {
	local seconds=${FUZZ_SECONDS:-60}
	local flags="-g -O1 -std=c11 -D_GNU_SOURCE -Wno-unused-function -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -Isrc/core -Itest/fuzz"
	local dir=$OUT/bin t log runs crashed=0 rc summary=""
	bash test/scripts/deps.sh fuzz || return 1
	mkdir -p "$dir" "$OUT/work" "$OUT/crashes"
	build_core clang "$flags" "$dir/core" || {
		echo "fuzz: the core did not build with clang" >&2
		return 1
	}
	for t in $TARGETS; do
		clang $flags -fsanitize=fuzzer -rdynamic -o "$dir/$t" "test/fuzz/fuzz_$t.c" "$dir"/core/*.o $LIBS || {
			echo "fuzz: $t did not build" >&2
			return 1
		}
	done
	for t in $TARGETS; do
		log=$OUT/$t.log
		mkdir -p "$OUT/work/$t"
		echo "fuzz: $t for ${seconds}s"
		"$dir/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -max_len=65536 \
			-print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" \
			"$OUT/work/$t" "test/fuzz/corpus/$t" >"$log" 2>&1
		rc=$?
		runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
		if [ $rc -ne 0 ]; then
			crashed=$((crashed + 1))
			summary="$summary$(printf '%-16s %12s executions  CRASH (exit %d), see %s' "$t" "${runs:-?}" "$rc" "$log")"$'\n'
			grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 10 | sed 's/^/    | /'
		else
			summary="$summary$(printf '%-16s %12s executions  ok' "$t" "${runs:-?}")"$'\n'
		fi
	done
	echo
	echo "fuzz: ${seconds}s per target"
	printf '%s' "$summary"
	[ $crashed -eq 0 ]
}

case ${1:-} in
corpus) corpus ;;
fuzz) fuzz ;;
*)
	echo "usage: $0 corpus|fuzz" >&2
	exit 2
	;;
esac
