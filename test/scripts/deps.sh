#!/usr/bin/env bash
# deps.sh [sqlite|all|fuzz]: make sure the Debian 12 packages that covet's build
# and tests need are installed.
#
#   sqlite  what the SQLite extension and its tests need (the default)
#   all     plus PostgreSQL 15, its development files, pgTAP, pg_prove,
#           valgrind, Django 3.2 with PyYAML and psycopg2 (the Django
#           fixture tests, test/django/) (the full "make test")
#   fuzz    what "make fuzz" needs on top of sqlite: clang and its
#           libFuzzer runtime (-fsanitize=fuzzer)
#
# As root, missing packages are installed (apt-get update runs once, and only
# if something is missing).  As another user, the missing packages and the
# command that installs them are printed and the exit status is 1.  Nothing is
# printed when nothing is missing.
set -u

set_name=${1:-sqlite}

# gcc brings libasan and libubsan (through libgcc-12-dev): the sanitizer
# builds of the core tests and of test/scripts/sqlite_ubsan.sh need them.
sqlite_pkgs=(gcc make libc6-dev sqlite3 libsqlite3-dev python3 libyaml-dev libyajl-dev libcsv-dev)
pg_pkgs=(postgresql-15 postgresql-server-dev-15 libpq-dev postgresql-15-pgtap
	libtap-parser-sourcehandler-pgtap-perl postgresql-common valgrind
	procps python3-django python3-yaml python3-psycopg2)
fuzz_pkgs=(clang libclang-rt-14-dev)

case $set_name in
sqlite) wanted=("${sqlite_pkgs[@]}") ;;
all) wanted=("${sqlite_pkgs[@]}" "${pg_pkgs[@]}") ;;
fuzz) wanted=("${sqlite_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
*)
	echo "usage: $0 [sqlite|all|fuzz]" >&2
	exit 2
	;;
esac

installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$status" = "install ok installed" ]
}

missing=()
for p in "${wanted[@]}"; do
	installed "$p" || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
	echo "covet: missing Debian packages: ${missing[*]}" >&2
	echo "install them as root with:" >&2
	echo "  $cmd" >&2
	exit 1
fi

echo "covet: installing ${missing[*]}" >&2
apt-get update || exit 1
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	"${missing[@]}" || exit 1

# The postgresql-15 package creates a default cluster; the tests use
# pg_virtualenv and do not need it, but leave it as Debian made it.
still=()
for p in "${missing[@]}"; do
	installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
	echo "covet: still missing after apt-get: ${still[*]}" >&2
	exit 1
fi
exit 0
