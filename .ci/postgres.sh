#!/usr/bin/env bash
# PostgreSQL for the Temporal server's SQL persistence (the fault suite's
# PostgreSQL topology, `starter server --db postgres` by hand).
#
#   .ci/postgres.sh install   Debian's postgresql-15 when missing, and
#                             temporal-sql-tool (the server's own schema tool,
#                             go.mod's `tool` line, so always the version of
#                             the embedded server) built into the cache
#   eval "$(.ci/postgres.sh start)"
#                             a private cluster on 127.0.0.1 (fresh data dir,
#                             free port), the role `temporal` with a generated
#                             password, the databases temporal and
#                             temporal_visibility with their schemas; prints
#                             the TEMPORAL_DB_* export lines below
#   .ci/postgres.sh schema DB VISDB
#                             create DB and VISDB (when missing) and bring them
#                             to the schema of this server version, with
#                             temporal-sql-tool and the TEMPORAL_DB_* settings
#                             of the environment (deploy/local/topology.sh
#                             --db postgres uses it for its own pair)
#   .ci/postgres.sh drop DB...  drop databases (temporal-sql-tool drop-database)
#   .ci/postgres.sh stop      stop the cluster and delete its data
#
# The exports (also what `starter server --db postgres` reads):
#   TEMPORAL_DB_HOST=127.0.0.1  TEMPORAL_DB_PORT  TEMPORAL_DB_USER=temporal
#   TEMPORAL_DB_PASSWORD        TEMPORAL_DB_NAME=temporal
#   TEMPORAL_DB_VISIBILITY_NAME=temporal_visibility
#
# The cluster: initdb into a new temporary directory (a fresh cluster at every
# start, like .ci/minio.sh's fresh data), TCP on 127.0.0.1 only (no Unix
# socket), scram-sha-256 for every connection, the server's default settings
# otherwise (fsync on). initdb refuses root: as root the cluster runs as the
# Debian user postgres (runuser), which the package creates. Passwords go to
# the tools through their environment or stdin, never a command line; they
# appear nowhere but in the 0600 file STATE/env and the export lines.
#
# Environment:
#   BITSWEEP_CACHE         cache root (default $HOME/.cache/bitsweep);
#                          temporal-sql-tool goes to $BITSWEEP_CACHE/bin
#   BITSWEEP_PG_STATE      state directory: env, datadir (default
#                          $BITSWEEP_CACHE/postgres)
#   BITSWEEP_PG_PORT       port (default: first free port from 15432)
set -euo pipefail

# The PostgreSQL major version that is tested (deploy/compose.yaml uses the
# same; deploy/deploy_test.go checks it).
PG_MAJOR=15

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BITSWEEP_CACHE:-$HOME/.cache/bitsweep}
BIN_DIR=$CACHE/bin
SQL_TOOL=$BIN_DIR/temporal-sql-tool
STATE=${BITSWEEP_PG_STATE:-$CACHE/postgres}
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
ADMIN=bitsweep_admin

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
	log "$*"
	[[ $COMMAND == start ]] && echo false
	exit 1
}

# server_version: go.temporal.io/server's version in go.mod.
server_version() { sed -n 's/^[[:space:]]*go\.temporal\.io\/server \(v[^ ]*\).*/\1/p' "$ROOT/go.mod" | head -n 1; }

have_tool() {
	[[ -x $SQL_TOOL && -f $SQL_TOOL.version && $(<"$SQL_TOOL.version") == "$(server_version)" ]]
}

cmd_install() {
	if [[ ! -x $PG_BIN/initdb ]]; then
		log "no $PG_BIN/initdb; installing Debian's postgresql-$PG_MAJOR"
		apt-get update -qq
		# policy-rc.d-less containers may try to start the package's own
		# cluster: it is not used (ours is private), so a failure there is
		# harmless as long as the binaries are installed.
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_MAJOR" >/dev/null || true
		[[ -x $PG_BIN/initdb ]] || die "apt-get install postgresql-$PG_MAJOR gave no $PG_BIN/initdb"
		# The package's own cluster (15/main on port 5432), which nothing
		# here uses: dropped, so that only the private clusters listen.
		if command -v pg_dropcluster >/dev/null && [[ -d /etc/postgresql/$PG_MAJOR/main ]]; then
			pg_dropcluster --stop "$PG_MAJOR" main || log "could not drop the package's cluster $PG_MAJOR/main"
		fi
	fi
	if have_tool; then
		log "$SQL_TOOL is $(server_version) already"
		return
	fi
	command -v go >/dev/null || die "go is not on PATH"
	mkdir -p "$BIN_DIR"
	local start=$SECONDS
	log "building temporal-sql-tool $(server_version) into $BIN_DIR"
	(cd "$ROOT" && go build -o "$SQL_TOOL.new" go.temporal.io/server/cmd/tools/sql)
	mv -f "$SQL_TOOL.new" "$SQL_TOOL"
	server_version >"$SQL_TOOL.version"
	log "built $SQL_TOOL in $((SECONDS - start)) s"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
	local p=$1
	while ! port_free "$p"; do
		p=$((p + 1))
		((p < 65000)) || die "no free port found"
	done
	echo "$p"
}

random_string() { # LENGTH
	local s
	s=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1") || true
	printf '%s' "$s"
}

# as_owner CMD...: run CMD as the cluster's owner (postgres when we are root).
as_owner() {
	if ((EUID == 0)); then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

datadir() { [[ -f $STATE/datadir ]] && cat "$STATE/datadir"; }

running() {
	local d
	d=$(datadir) || return 1
	[[ -f $d/pg/postmaster.pid ]] && as_owner "$PG_BIN/pg_ctl" status -D "$d/pg" >/dev/null 2>&1
}

# admin_sql SQL: run SQL (from stdin) as the cluster's superuser.
admin_sql() {
	PGPASSWORD=$(<"$STATE/admin.pw") "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-h 127.0.0.1 -p "$(<"$STATE/port")" -U "$ADMIN" -d postgres
}

# sql_tool DB ARGS...: temporal-sql-tool on DB with the TEMPORAL_DB_* settings
# (no --quiet: with it the tool exits 0 on errors).
sql_tool() {
	local db=$1
	shift
	SQL_PASSWORD=$TEMPORAL_DB_PASSWORD "$SQL_TOOL" --plugin postgres12 \
		--ep "$TEMPORAL_DB_HOST" -p "$TEMPORAL_DB_PORT" -u "$TEMPORAL_DB_USER" --db "$db" "$@"
}

# schema DB VISDB: the server's databases, created when missing, at this
# server version's schema (update-schema from the schema embedded in the
# tool: postgresql/v12/temporal and postgresql/v12/visibility).
cmd_schema() {
	local db=${1:?schema needs DB and VISDB} vis=${2:?schema needs DB and VISDB}
	: "${TEMPORAL_DB_HOST:?set TEMPORAL_DB_* (eval \"\$(.ci/postgres.sh start)\")}"
	: "${TEMPORAL_DB_PORT:?}" "${TEMPORAL_DB_USER:?}" "${TEMPORAL_DB_PASSWORD:?}"
	have_tool || cmd_install
	local d kind
	mkdir -p "$STATE"
	for d in "$db:temporal" "$vis:visibility"; do
		kind=${d##*:}
		d=${d%:*}
		# create-database fails on an existing database, which is fine: the
		# schema steps below then check or upgrade it.
		sql_tool "$d" create-database --defaultdb postgres >>"$STATE/schema.log" 2>&1 ||
			log "database $d: not created (it exists, or see $STATE/schema.log)"
		# setup-schema -v 0.0: the schema_version tables (kept when present);
		# update-schema: every versioned step up to the tool's version.
		sql_tool "$d" setup-schema -v 0.0 >>"$STATE/schema.log" 2>&1 ||
			die_log "setup-schema on $d failed"
		sql_tool "$d" update-schema --schema-name "postgresql/v12/$kind" >>"$STATE/schema.log" 2>&1 ||
			die_log "update-schema postgresql/v12/$kind on $d failed"
		log "database $d: schema postgresql/v12/$kind of server $(server_version)"
	done
}

# drop DB...: drop databases made by schema (the tool's drop-database).
cmd_drop() {
	: "${TEMPORAL_DB_HOST:?set TEMPORAL_DB_* (eval \"\$(.ci/postgres.sh start)\")}"
	have_tool || cmd_install
	mkdir -p "$STATE"
	local d
	for d in "$@"; do
		sql_tool "$d" drop-database --defaultdb postgres --force >>"$STATE/schema.log" 2>&1 ||
			die_log "drop-database $d failed"
		log "dropped database $d"
	done
}

die_log() {
	tail -n 20 "$STATE/schema.log" >&2
	die "$* (log: $STATE/schema.log)"
}

cmd_start() {
	if running; then
		log "already running (data $(datadir)); printing its settings again"
		cat "$STATE/env"
		return
	fi
	[[ -x $PG_BIN/initdb ]] && have_tool || cmd_install >&2
	clean_state
	mkdir -p "$STATE"
	chmod 700 "$STATE"

	local port data admin password
	port=${BITSWEEP_PG_PORT:-$(free_port 15432)}
	port_free "$port" || die "port $port is in use"
	admin=$(random_string 40)
	password=$(random_string 40)
	[[ ${#admin} -eq 40 && ${#password} -eq 40 ]] || die "could not generate a password"
	(umask 077 && printf '%s' "$admin" >"$STATE/admin.pw" && echo "$port" >"$STATE/port")

	# A fresh cluster in a new temporary directory the owner can reach
	# (as root the cache under /root is not readable by postgres).
	data=$(mktemp -d "${TMPDIR:-/tmp}/bitsweep-postgres.XXXXXX")
	echo "$data" >"$STATE/datadir"
	local pwfile=$data/.pw
	printf '%s\n' "$admin" >"$pwfile"
	chmod 600 "$pwfile"
	if ((EUID == 0)); then
		id postgres >/dev/null 2>&1 || die "no user postgres to run the cluster as (install postgresql-$PG_MAJOR)"
		chown -R postgres: "$data"
	fi
	mkdir -p "$STATE"
	as_owner "$PG_BIN/initdb" -D "$data/pg" -U "$ADMIN" --pwfile="$pwfile" \
		--auth=scram-sha-256 -E UTF8 --no-locale >"$STATE/initdb.log" 2>&1 ||
		{
			tail -n 20 "$STATE/initdb.log" >&2
			die "initdb failed (log: $STATE/initdb.log)"
		}
	rm -f "$pwfile"
	as_owner tee -a "$data/pg/postgresql.conf" >/dev/null <<EOF
# bitsweep: private cluster on loopback only
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
EOF
	as_owner "$PG_BIN/pg_ctl" start -D "$data/pg" -w -t 60 -l "$data/postgres.log" >/dev/null ||
		{
			tail -n 30 "$data/postgres.log" >&2
			die "the cluster did not start (log: $data/postgres.log)"
		}
	log "running on 127.0.0.1:$port (data $data/pg, log $data/postgres.log)"

	# The role of the server and the schema tool: it creates (and so owns)
	# its databases, which PostgreSQL 15 needs for CREATE in schema public.
	admin_sql <<EOF
CREATE ROLE temporal LOGIN CREATEDB PASSWORD '$password';
EOF
	export TEMPORAL_DB_HOST=127.0.0.1 TEMPORAL_DB_PORT=$port TEMPORAL_DB_USER=temporal TEMPORAL_DB_PASSWORD=$password
	cmd_schema temporal temporal_visibility

	(
		umask 077
		{
			printf 'export TEMPORAL_DB_HOST=%q\n' 127.0.0.1
			printf 'export TEMPORAL_DB_PORT=%q\n' "$port"
			printf 'export TEMPORAL_DB_USER=%q\n' temporal
			printf 'export TEMPORAL_DB_PASSWORD=%q\n' "$password"
			printf 'export TEMPORAL_DB_NAME=%q\n' temporal
			printf 'export TEMPORAL_DB_VISIBILITY_NAME=%q\n' temporal_visibility
		} >"$STATE/env"
	)
	cat "$STATE/env"
}

clean_state() {
	local d
	if d=$(datadir) && [[ $d == */bitsweep-postgres.* ]]; then
		rm -rf "$d"
	fi
	rm -f "$STATE/datadir" "$STATE/env" "$STATE/admin.pw" "$STATE/port" "$STATE/initdb.log" "$STATE/schema.log"
}

cmd_stop() {
	local d
	if running; then
		d=$(datadir)
		as_owner "$PG_BIN/pg_ctl" stop -D "$d/pg" -m fast -w -t 30 >/dev/null ||
			as_owner "$PG_BIN/pg_ctl" stop -D "$d/pg" -m immediate -w >/dev/null || true
		log "stopped the cluster in $d"
	else
		log "not running"
	fi
	clean_state
}

COMMAND=${1:-}
case $COMMAND in
install) cmd_install ;;
start) cmd_start ;;
schema) cmd_schema "${2:-}" "${3:-}" ;;
drop)
	shift
	cmd_drop "$@"
	;;
stop) cmd_stop ;;
*)
	echo "usage: $0 install|start|schema DB VISDB|drop DB...|stop" >&2
	exit 2
	;;
esac
