#!/usr/bin/env bash
# deploy/local/topology.sh: the cluster topology of deploy/compose.yaml as
# plain processes on 127.0.0.1, for trying cluster mode on one machine and
# for fault-injection tests (kill a worker, restart the server, stop S3).
#
#   deploy/local/topology.sh start [--workers N] [--dir DIR]   # prints export lines
#   deploy/local/topology.sh status|env|stop|clean [--dir DIR]
#
# Run it with `help` for every command. Components, each with its pid file
# in DIR/run and its log in DIR/log:
#
#   server     the embedded Temporal server (`starter server`, SQLite in
#              DIR/temporal, or with --db postgres on the PostgreSQL of
#              TEMPORAL_DB_* in a database pair of its own; the frontend
#              port is kept across restarts)
#   s3         a MinIO server (the binary .ci/minio.sh installs; data in
#              DIR/s3/data, kept across restarts; port kept too)
#   worker-I   worker processes (I = 1..N, default N = 3) on the task queue
#              BITSWEEP_TASK_QUEUE (default bitsweep), storing into
#              s3://BUCKET on that MinIO
#
# The binaries are built once into DIR/bin (`build` rebuilds them); the
# workers load OpenBLAS at run time when it is installed (--blas
# openblas|gonum|auto: gonum sets BITSWEEP_BLAS=gonum for them).
#
# Credentials: MinIO and the workers use MINIO_ROOT_USER and
# MINIO_ROOT_PASSWORD from the environment. When they are not set, throwaway
# ones are generated once into DIR/credentials.env (mode 0600) and reused;
# `start` and `env` then print a line that sources that file, never the
# values themselves. The workers get no other S3 credentials: AWS_* variables
# of the caller are removed from their environment so that they cannot take
# precedence over the MinIO ones.
#
# PostgreSQL (--db postgres): the server connects to TEMPORAL_DB_HOST,
# TEMPORAL_DB_PORT as TEMPORAL_DB_USER with TEMPORAL_DB_PASSWORD (what
# `eval "$(.ci/postgres.sh start)"` exports; the password is needed by every
# command that starts the server and is never written by this script). At
# its first start the databases DB and DB_visibility (--db-name DB, default
# topology_<random>, remembered) are created and given the server's schemas
# by temporal-sql-tool (.ci/postgres.sh schema); `clean` drops them. The
# workers and MinIO never see TEMPORAL_DB_PASSWORD.
#
# Only processes this script started are signalled, by the pid in their pid
# file, after checking that the pid still runs the expected binary.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${BITSWEEP_CACHE:-$HOME/.cache/bitsweep}
MINIO_BIN=$CACHE/bin/minio

# Grace periods (seconds) between SIGTERM and SIGKILL. A worker's graceful
# stop waits up to 30 s (workflows.NewWorker's WorkerStopTimeout) for the
# running points, so it gets more than that.
WORKER_GRACE=45
SERVER_GRACE=30
S3_GRACE=15

log() { printf 'topology: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

usage() {
	cat <<'EOF'
usage: deploy/local/topology.sh COMMAND [options]

  start                 build if needed, start server, s3 and N workers; print export lines
  stop                  stop the workers (gracefully), the server and s3; keep all data
  status                one line per component; exit 0 if all run, 3 otherwise
  env                   print the export lines again
  build                 (re)build DIR/bin/worker and DIR/bin/starter
  clean                 stop, then delete DIR except DIR/bin
  start-server | stop-server | restart-server | kill-server
  start-s3     | stop-s3     | restart-s3     | kill-s3
  start-worker I | stop-worker I | restart-worker I | kill-worker I
                        one component; kill-* sends SIGKILL, stop-* SIGTERM then
                        SIGKILL after a grace period; restart-* = stop-* + start-*
  pids                  print "NAME PID PIDFILE" for every running component

options:
  --dir DIR             state folder (default: $BITSWEEP_TOPOLOGY_DIR or REPO/.cache/topology)
  --workers N           workers that `start` starts (default 3; remembered)
  --concurrency C       points trained at once per worker (default 1; remembered)
  --bucket NAME         bucket of the result store (default bitsweep; remembered)
  --server-port P       frontend port for the first server start (default: a free one)
  --s3-port P           MinIO port for the first s3 start (default: a free one from 19100)
  --blas MODE           workers train with openblas, gonum or auto (default auto)
  --db sqlite|postgres  the server's persistence (default sqlite; remembered)
  --db-name DB          with --db postgres: databases DB and DB_visibility
                        (default topology_<random>; remembered)
  --kill                with stop/stop-*: SIGKILL at once

Environment read: BITSWEEP_TASK_QUEUE, MINIO_ROOT_USER, MINIO_ROOT_PASSWORD,
OPENBLAS_NUM_THREADS (workers, default 1), BITSWEEP_TOPOLOGY_DIR, BITSWEEP_CACHE;
with --db postgres TEMPORAL_DB_HOST, TEMPORAL_DB_PORT, TEMPORAL_DB_USER (host,
port and user remembered) and TEMPORAL_DB_PASSWORD (never written down), as
printed by `eval "$(.ci/postgres.sh start)"`.
The workers also inherit BITSWEEP_TRAINER and BITSWEEP_CHECKPOINT_INTERVAL.
EOF
}

# --- arguments ---------------------------------------------------------------

COMMAND=${1:-}
case $COMMAND in
"")
	usage >&2
	exit 2
	;;
help | -h | --help)
	usage
	exit 0
	;;
esac
shift
ARG=""
DIR=${BITSWEEP_TOPOLOGY_DIR:-$ROOT/.cache/topology}
OPT_WORKERS="" OPT_CONC="" OPT_BUCKET="" OPT_SERVER_PORT="" OPT_S3_PORT="" OPT_DB="" OPT_DB_NAME="" BLAS=auto KILL=0
while (($#)); do
	case $1 in
	--dir) DIR=${2:?--dir needs a value}; shift ;;
	--workers) OPT_WORKERS=${2:?--workers needs a value}; shift ;;
	--concurrency) OPT_CONC=${2:?--concurrency needs a value}; shift ;;
	--bucket) OPT_BUCKET=${2:?--bucket needs a value}; shift ;;
	--server-port) OPT_SERVER_PORT=${2:?--server-port needs a value}; shift ;;
	--s3-port) OPT_S3_PORT=${2:?--s3-port needs a value}; shift ;;
	--blas) BLAS=${2:?--blas needs a value}; shift ;;
	--db) OPT_DB=${2:?--db needs a value}; shift ;;
	--db-name) OPT_DB_NAME=${2:?--db-name needs a value}; shift ;;
	--kill) KILL=1 ;;
	-*) die "unknown option $1 (see: $0 help)" ;;
	*)
		[[ -z $ARG ]] || die "unexpected argument $1"
		ARG=$1
		;;
	esac
	shift
done
for v in "$OPT_WORKERS" "$OPT_CONC" "$OPT_SERVER_PORT" "$OPT_S3_PORT"; do
	[[ -z $v || $v =~ ^[0-9]+$ ]] || die "not a number: $v"
done
case $BLAS in auto | openblas | gonum) ;; *) die "--blas $BLAS: want openblas, gonum or auto" ;; esac

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
BIN=$DIR/bin
RUN=$DIR/run
LOGS=$DIR/log
CONFIG=$DIR/config
CREDS=$DIR/credentials.env

# --- remembered settings -----------------------------------------------------

# Whether the caller supplies the MinIO credentials (else DIR/credentials.env).
ENV_CREDS=0
[[ -n ${MINIO_ROOT_USER:-} || -n ${MINIO_ROOT_PASSWORD:-} ]] && ENV_CREDS=1

WORKERS=3 CONCURRENCY=1 BUCKET=bitsweep QUEUE=bitsweep DB=sqlite DB_NAME="" DB_HOST="" DB_PORT="" DB_USER=""
if [[ -f $CONFIG ]]; then
	# shellcheck disable=SC1090
	. "$CONFIG"
fi
WORKERS=${OPT_WORKERS:-$WORKERS}
CONCURRENCY=${OPT_CONC:-$CONCURRENCY}
BUCKET=${OPT_BUCKET:-$BUCKET}
QUEUE=${BITSWEEP_TASK_QUEUE:-$QUEUE}
DB=${OPT_DB:-$DB}
DB_NAME=${OPT_DB_NAME:-$DB_NAME}
case $DB in sqlite | postgres) ;; *) die "--db $DB: want sqlite or postgres" ;; esac
if [[ $DB == postgres ]]; then
	DB_HOST=${TEMPORAL_DB_HOST:-$DB_HOST}
	DB_PORT=${TEMPORAL_DB_PORT:-$DB_PORT}
	DB_USER=${TEMPORAL_DB_USER:-${DB_USER:-temporal}}
	if [[ -z $DB_NAME ]]; then
		DB_NAME=topology_$(LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c 8 || true)
	fi
	[[ $DB_NAME =~ ^[a-z_][a-z0-9_]{0,40}$ ]] || die "--db-name $DB_NAME: want lowercase letters, digits and _ (at most 41)"
	[[ -z $DB_PORT || $DB_PORT =~ ^[0-9]+$ ]] || die "TEMPORAL_DB_PORT $DB_PORT: not a number"
fi
[[ $BUCKET =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || die "--bucket $BUCKET: not a valid bucket name"
((CONCURRENCY >= 1)) || die "--concurrency must be at least 1"

save_config() {
	mkdir -p "$RUN" "$LOGS"
	printf 'WORKERS=%q\nCONCURRENCY=%q\nBUCKET=%q\nQUEUE=%q\nDB=%q\nDB_NAME=%q\nDB_HOST=%q\nDB_PORT=%q\nDB_USER=%q\n' \
		"$WORKERS" "$CONCURRENCY" "$BUCKET" "$QUEUE" "$DB" "$DB_NAME" "$DB_HOST" "$DB_PORT" "$DB_USER" >"$CONFIG"
}

# --- processes ---------------------------------------------------------------

# expected_bin NAME: the binary a component runs.
expected_bin() {
	case $1 in
	server) echo "$BIN/starter" ;;
	s3) echo "$MINIO_BIN" ;;
	worker-*) echo "$BIN/worker" ;;
	*) die "unknown component $1" ;;
	esac
}

# pid_of NAME: the pid of a running component, or nothing (status 1). A pid
# whose process is gone, a zombie or another program does not count.
pid_of() {
	local f=$RUN/$1.pid pid exe state
	[[ -f $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	if [[ -r /proc/$pid/cmdline ]]; then
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
		[[ $state != Z ]] || return 1
		exe=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
		# Right after spawn the process may still be setsid, about to exec.
		[[ $exe == "$(expected_bin "$1")" || $exe == setsid ]] || return 1
	fi
	echo "$pid"
}

alive() { pid_of "$1" >/dev/null; }

# spawn NAME STDOUT CMD...: start CMD in its own session (it outlives this
# script and the caller's terminal), stderr appended to DIR/log/NAME.log.
# The environment is the caller's: wrap the call in a subshell that exports
# what the component needs (so secrets never appear on a command line).
spawn() {
	local name=$1 out=$2
	shift 2
	mkdir -p "$RUN" "$LOGS"
	printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$LOGS/$name.log"
	setsid "$@" </dev/null >>"$out" 2>>"$LOGS/$name.log" &
	echo $! >"$RUN/$name.pid"
}

# gone PID: the process has exited (or is a zombie waiting to be reaped).
gone() {
	kill -0 "$1" 2>/dev/null || return 0
	[[ $(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) == Z ]]
}

# wait_gone NAME PID GRACE SIG: wait up to GRACE seconds for a signalled
# process to exit, then SIGKILL it; remove its pid file.
wait_gone() {
	local name=$1 pid=$2 grace=$3 sig=$4 deadline=$((SECONDS + $3))
	until gone "$pid"; do
		if ((SECONDS >= deadline)); then
			log "$name: still running after ${grace}s; SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.5
			break
		fi
		sleep 0.2
	done
	rm -f "$RUN/$name.pid"
	log "$name: stopped (pid $pid, SIG$sig)"
}

# stop_procs GRACE NAME...: SIGTERM (SIGKILL with --kill) to every running
# one at once, then wait for each (up to GRACE seconds, then SIGKILL).
stop_procs() {
	local grace=$1 sig=TERM name pid
	shift
	((KILL)) && sig=KILL
	local names=() pids=()
	for name in "$@"; do
		if pid=$(pid_of "$name"); then
			kill -"$sig" "$pid" 2>/dev/null || true
			names+=("$name")
			pids+=("$pid")
		else
			if [[ -f $RUN/$name.pid ]]; then rm -f "$RUN/$name.pid"; fi
			log "$name: not running"
		fi
	done
	local i
	for i in "${!names[@]}"; do
		wait_gone "${names[$i]}" "${pids[$i]}" "$grace" "$sig"
	done
}

stop_proc() { stop_procs "$2" "$1"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
	local p=$1
	while ! port_free "$p"; do
		p=$((p + 1))
		((p < 65000)) || die "no free port found"
	done
	echo "$p"
}

# --- build -------------------------------------------------------------------

have_openblas() { ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so '; }

cmd_build() {
	local force=${1:-1} mode=$BLAS
	if [[ $force == 0 && -x $BIN/worker && -x $BIN/starter ]]; then
		return 0
	fi
	command -v go >/dev/null || die "go is not on PATH"
	if [[ $mode == auto ]]; then
		mode=gonum
		have_openblas && mode=openblas
	fi
	mkdir -p "$BIN"
	local b start=$SECONDS
	for b in worker starter; do
		log "building $b ($mode) into $BIN (the starter embeds the Temporal server: minutes when cold)"
		# Build next to the target and rename: a running process keeps its file.
		(cd "$ROOT" && go build -o "$BIN/.$b.new" "./$b")
		mv -f "$BIN/.$b.new" "$BIN/$b"
	done
	echo "$mode" >"$BIN/blas"
	log "built in $((SECONDS - start)) s"
}

# --- credentials -------------------------------------------------------------

# load_credentials: export MINIO_ROOT_USER/MINIO_ROOT_PASSWORD from the
# environment, else from DIR/credentials.env (created on first use).
load_credentials() {
	if [[ -n ${MINIO_ROOT_USER:-} || -n ${MINIO_ROOT_PASSWORD:-} ]]; then
		[[ -n ${MINIO_ROOT_USER:-} && -n ${MINIO_ROOT_PASSWORD:-} ]] ||
			die "set both MINIO_ROOT_USER and MINIO_ROOT_PASSWORD, or neither"
		((${#MINIO_ROOT_PASSWORD} >= 8)) || die "MINIO_ROOT_PASSWORD must have at least 8 characters (MinIO's rule)"
		# MinIO reads a value that starts with "env" as a reference to another
		# variable, and then runs with other credentials than these.
		shopt -s nocasematch
		if [[ $MINIO_ROOT_USER == env* || $MINIO_ROOT_PASSWORD == env* ]]; then
			die "MINIO_ROOT_USER and MINIO_ROOT_PASSWORD must not start with \"env\" (MinIO takes such values as references)"
		fi
		shopt -u nocasematch
		export MINIO_ROOT_USER MINIO_ROOT_PASSWORD
		return
	fi
	if [[ ! -f $CREDS ]]; then
		local user pass
		user=topology-$(LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c 8 || true)
		pass=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)
		((${#pass} == 40)) || die "could not generate a password"
		(
			umask 077
			printf 'export MINIO_ROOT_USER=%q\nexport MINIO_ROOT_PASSWORD=%q\n' "$user" "$pass" >"$CREDS"
		)
		log "generated throwaway S3 credentials in $CREDS"
	fi
	# shellcheck disable=SC1090
	. "$CREDS"
}

# --- server ------------------------------------------------------------------

server_port() { [[ -f $DIR/temporal/frontend.port ]] && tr -d '[:space:]' <"$DIR/temporal/frontend.port"; }

server_address() {
	local p
	p=$(server_port) || return 1
	echo "127.0.0.1:$p"
}

server_namespace() {
	local ns=""
	[[ -f $RUN/server.json ]] && ns=$(sed -n 's/.*"namespace":"\([^"]*\)".*/\1/p' "$RUN/server.json" | tail -n 1)
	echo "${ns:-default}"
}

start_server() {
	if alive server; then
		log "server: already running (pid $(pid_of server), $(server_address))"
		return
	fi
	cmd_build 0
	mkdir -p "$DIR/temporal"
	# Keep the frontend port of the previous start: running workers and the
	# printed TEMPORAL_ADDRESS keep working across restarts.
	local port
	port=$(server_port) || port=${OPT_SERVER_PORT:-0}
	if [[ $port != 0 ]] && ! port_free "$port"; then
		die "server: port $port on 127.0.0.1 is in use"
	fi
	local db_args=(--db sqlite)
	if [[ $DB == postgres ]]; then
		postgres_schema
		db_args=(--db postgres --db-host "$DB_HOST" --db-port "$DB_PORT" --db-user "$DB_USER"
			--db-name "$DB_NAME" --db-visibility-name "${DB_NAME}_visibility")
	fi
	save_config
	: >"$RUN/server.json"
	(
		if [[ $DB == postgres ]]; then export TEMPORAL_DB_PASSWORD; else unset TEMPORAL_DB_PASSWORD; fi
		spawn server "$RUN/server.json" "$BIN/starter" server --state "$DIR/temporal" --port "$port" "${db_args[@]}"
	)
	local deadline=$((SECONDS + 300))
	until grep -q '"address"' "$RUN/server.json" 2>/dev/null; do
		if ! alive server; then
			tail -n 20 "$LOGS/server.log" >&2
			die "server: exited during startup (log: $LOGS/server.log)"
		fi
		((SECONDS < deadline)) || die "server: not ready after 300 s (log: $LOGS/server.log)"
		sleep 0.3
	done
	log "server: running on $(server_address) (pid $(pid_of server), log $LOGS/server.log)"
}

# need_postgres: the settings --db postgres needs from the environment.
need_postgres() {
	[[ -n $DB_HOST && -n $DB_PORT ]] ||
		die "--db postgres: set TEMPORAL_DB_HOST and TEMPORAL_DB_PORT (eval \"\$(.ci/postgres.sh start)\")"
	[[ -n ${TEMPORAL_DB_PASSWORD:-} ]] ||
		die "--db postgres: set TEMPORAL_DB_PASSWORD (it is never stored in $DIR)"
}

# postgres_schema: at the first server start, the topology's databases with
# the server's schemas (temporal-sql-tool, through .ci/postgres.sh schema).
postgres_schema() {
	need_postgres
	[[ -f $DIR/temporal/postgres.schema && $(<"$DIR/temporal/postgres.schema") == "$DB_HOST:$DB_PORT/$DB_NAME" ]] && return
	TEMPORAL_DB_HOST=$DB_HOST TEMPORAL_DB_PORT=$DB_PORT TEMPORAL_DB_USER=$DB_USER BITSWEEP_CACHE=$CACHE \
		bash "$ROOT/.ci/postgres.sh" schema "$DB_NAME" "${DB_NAME}_visibility"
	echo "$DB_HOST:$DB_PORT/$DB_NAME" >"$DIR/temporal/postgres.schema"
}

# postgres_drop: `clean` drops the topology's databases.
postgres_drop() {
	[[ $DB == postgres && -f $DIR/temporal/postgres.schema ]] || return 0
	if [[ -z ${TEMPORAL_DB_PASSWORD:-} ]]; then
		log "not dropping databases $DB_NAME and ${DB_NAME}_visibility: no TEMPORAL_DB_PASSWORD"
		return 0
	fi
	TEMPORAL_DB_HOST=$DB_HOST TEMPORAL_DB_PORT=$DB_PORT TEMPORAL_DB_USER=$DB_USER BITSWEEP_CACHE=$CACHE \
		bash "$ROOT/.ci/postgres.sh" drop "$DB_NAME" "${DB_NAME}_visibility" || log "could not drop the databases"
}

# --- s3 ----------------------------------------------------------------------

s3_port() { [[ -f $DIR/s3/port ]] && tr -d '[:space:]' <"$DIR/s3/port"; }

s3_healthy() (
	exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf 'GET /minio/health/live HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$1" >&3
	IFS= read -r -t 2 status <&3 || exit 1
	[[ $status == "HTTP/1."?" 200"* ]]
) 2>/dev/null

start_s3() {
	if alive s3; then
		log "s3: already running (pid $(pid_of s3), port $(s3_port))"
		return
	fi
	if [[ ! -x $MINIO_BIN ]]; then
		log "s3: no MinIO binary at $MINIO_BIN; building it with .ci/minio.sh install (minutes)"
		BITSWEEP_CACHE=$CACHE bash "$ROOT/.ci/minio.sh" install
	fi
	load_credentials
	mkdir -p "$DIR/s3/data"
	chmod 700 "$DIR/s3"
	local port console
	if ! port=$(s3_port); then
		port=${OPT_S3_PORT:-$(free_port 19100)}
		echo "$port" >"$DIR/s3/port"
	fi
	port_free "$port" || die "s3: port $port on 127.0.0.1 is in use"
	console=$(free_port $((port + 1)))
	(
		unset TEMPORAL_DB_PASSWORD
		export MINIO_ROOT_USER MINIO_ROOT_PASSWORD MINIO_BROWSER=off MINIO_UPDATE=off
		spawn s3 "$LOGS/s3.log" "$MINIO_BIN" server --quiet \
			--address "127.0.0.1:$port" --console-address "127.0.0.1:$console" "$DIR/s3/data"
	)
	local deadline=$((SECONDS + 60))
	until s3_healthy "$port"; do
		if ! alive s3; then
			tail -n 20 "$LOGS/s3.log" >&2
			die "s3: exited during startup (log: $LOGS/s3.log)"
		fi
		((SECONDS < deadline)) || die "s3: not healthy after 60 s (log: $LOGS/s3.log)"
		sleep 0.2
	done
	log "s3: running on http://127.0.0.1:$port (pid $(pid_of s3), data $DIR/s3/data)"
}

# --- workers -----------------------------------------------------------------

check_index() { [[ $1 =~ ^[1-9][0-9]*$ ]] || die "want a worker number (1, 2, ...), got '$1'"; }

start_worker() {
	local i=$1 name=worker-$1
	check_index "$i"
	if alive "$name"; then
		log "$name: already running (pid $(pid_of "$name"))"
		return
	fi
	cmd_build 0
	local addr s3port
	addr=$(server_address) || die "$name: the server has never started (run start or start-server first)"
	s3port=$(s3_port) || die "$name: s3 has never started (run start or start-s3 first)"
	load_credentials
	local before=0
	[[ -f $LOGS/$name.log ]] && before=$(wc -c <"$LOGS/$name.log")
	(
		# Only the MinIO credentials: AWS_* of the caller would win over them.
		unset TEMPORAL_DB_PASSWORD AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
			AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE \
			AWS_REGION AWS_DEFAULT_REGION
		export MINIO_ROOT_USER MINIO_ROOT_PASSWORD
		export TEMPORAL_ADDRESS=$addr
		export TEMPORAL_NAMESPACE
		TEMPORAL_NAMESPACE=$(server_namespace)
		export BITSWEEP_TASK_QUEUE=$QUEUE
		export BITSWEEP_STORE=s3://$BUCKET
		export BITSWEEP_S3_ENDPOINT=http://127.0.0.1:$s3port
		export BITSWEEP_S3_CREATE_BUCKET=1
		export BITSWEEP_CONCURRENCY=$CONCURRENCY
		export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
		# The binaries load OpenBLAS at run time when it is installed;
		# --blas gonum makes the workers skip it.
		if [[ $BLAS == gonum ]]; then
			export BITSWEEP_BLAS=gonum
		fi
		spawn "$name" "$LOGS/$name.log" "$BIN/worker"
	)
	# Ready when it logs "worker started" (after dialing Temporal and opening
	# the store); a worker that cannot reach them exits.
	local deadline=$((SECONDS + 60))
	until tail -c +"$((before + 1))" "$LOGS/$name.log" 2>/dev/null | grep -q 'worker started'; do
		if ! alive "$name"; then
			tail -n 20 "$LOGS/$name.log" >&2
			die "$name: exited during startup (log: $LOGS/$name.log)"
		fi
		((SECONDS < deadline)) || die "$name: not started after 60 s (log: $LOGS/$name.log)"
		sleep 0.2
	done
	log "$name: running (pid $(pid_of "$name"), log $LOGS/$name.log)"
}

# worker_names: the workers to consider: 1..WORKERS and any with a pid file.
worker_names() {
	{
		local i f
		for ((i = 1; i <= WORKERS; i++)); do echo "worker-$i"; done
		for f in "$RUN"/worker-*.pid; do
			if [[ -e $f ]]; then basename "$f" .pid; fi
		done
	} | sort -t- -k2,2n -u
}

stop_workers() {
	# All at once, so that they drain in parallel.
	# shellcheck disable=SC2046
	stop_procs "$WORKER_GRACE" $(worker_names)
}

# --- environment for the user ------------------------------------------------

print_env() {
	local addr s3port
	addr=$(server_address) || die "the server has never started"
	s3port=$(s3_port) || die "s3 has never started"
	{
		printf 'export TEMPORAL_ADDRESS=%q\n' "$addr"
		printf 'export TEMPORAL_NAMESPACE=%q\n' "$(server_namespace)"
		printf 'export BITSWEEP_TASK_QUEUE=%q\n' "$QUEUE"
		printf 'export BITSWEEP_STORE=%q\n' "s3://$BUCKET"
		printf 'export BITSWEEP_S3_ENDPOINT=%q\n' "http://127.0.0.1:$s3port"
		if ((!ENV_CREDS)) && [[ -f $CREDS ]]; then
			printf '# S3 credentials MINIO_ROOT_USER and MINIO_ROOT_PASSWORD (throwaway, generated):\n'
			printf '. %q\n' "$CREDS"
		else
			printf '# S3 credentials: MINIO_ROOT_USER and MINIO_ROOT_PASSWORD from your environment\n'
		fi
		if [[ -n ${AWS_ACCESS_KEY_ID:-} ]]; then
			printf '# note: AWS_ACCESS_KEY_ID is set in your shell and wins over MINIO_ROOT_*; unset it for this store\n'
		fi
	} | tee "$DIR/env"
}

# --- status ------------------------------------------------------------------

result_count() {
	local d=$DIR/s3/data/$BUCKET
	[[ -d $d ]] || {
		echo 0
		return
	}
	# MinIO keeps each object as a folder named after it (with xl.meta inside).
	find "$d" -type d -name result.json 2>/dev/null | wc -l | tr -d ' '
}

cmd_status() {
	local ok=0 pid n
	if pid=$(pid_of server); then
		local db=sqlite
		[[ $DB == postgres ]] && db="postgres $DB_HOST:$DB_PORT/$DB_NAME"
		printf '%-10s running  pid %-8s %s namespace %s, %s\n' server "$pid" "$(server_address)" "$(server_namespace)" "$db"
	else
		printf '%-10s stopped\n' server
		ok=3
	fi
	if pid=$(pid_of s3); then
		printf '%-10s running  pid %-8s http://127.0.0.1:%s bucket %s\n' s3 "$pid" "$(s3_port)" "$BUCKET"
	else
		printf '%-10s stopped\n' s3
		ok=3
	fi
	for n in $(worker_names); do
		if pid=$(pid_of "$n"); then
			printf '%-10s running  pid %s\n' "$n" "$pid"
		else
			printf '%-10s stopped\n' "$n"
			ok=3
		fi
	done
	printf '%-10s %s result.json objects in s3://%s\n' results "$(result_count)" "$BUCKET"
	return $ok
}

cmd_pids() {
	local n pid
	for n in server s3 $(worker_names); do
		if pid=$(pid_of "$n"); then echo "$n $pid $RUN/$n.pid"; fi
	done
}

# --- commands ----------------------------------------------------------------

one_arg() { [[ -n $ARG ]] || die "$COMMAND needs a worker number"; }
no_arg() { [[ -z $ARG ]] || die "$COMMAND takes no argument (got $ARG)"; }

case $COMMAND in
build)
	no_arg
	cmd_build 1
	;;
start)
	no_arg
	save_config
	cmd_build 0
	start_s3
	start_server
	for ((i = 1; i <= WORKERS; i++)); do start_worker "$i"; done
	print_env
	log "ready: $WORKERS workers; then e.g.: go run ./starter run --address \"\$TEMPORAL_ADDRESS\" examples/quickstart.yaml"
	;;
stop)
	no_arg
	stop_workers
	stop_proc server "$SERVER_GRACE"
	stop_proc s3 "$S3_GRACE"
	rm -f "$DIR/env"
	;;
clean)
	no_arg
	stop_workers
	stop_proc server "$SERVER_GRACE"
	stop_proc s3 "$S3_GRACE"
	postgres_drop
	find "$DIR" -mindepth 1 -maxdepth 1 ! -name bin -exec rm -rf {} +
	log "deleted the state in $DIR (kept $BIN)"
	;;
status)
	no_arg
	cmd_status
	;;
env)
	no_arg
	print_env
	;;
pids)
	no_arg
	cmd_pids
	;;
start-server) no_arg; start_server ;;
stop-server) no_arg; stop_proc server "$SERVER_GRACE" ;;
kill-server) no_arg; KILL=1; stop_proc server "$SERVER_GRACE" ;;
restart-server) no_arg; stop_proc server "$SERVER_GRACE"; start_server ;;
start-s3) no_arg; start_s3 ;;
stop-s3) no_arg; stop_proc s3 "$S3_GRACE" ;;
kill-s3) no_arg; KILL=1; stop_proc s3 "$S3_GRACE" ;;
restart-s3) no_arg; stop_proc s3 "$S3_GRACE"; start_s3 ;;
start-worker) one_arg; save_config; start_worker "$ARG" ;;
stop-worker) one_arg; check_index "$ARG"; stop_proc "worker-$ARG" "$WORKER_GRACE" ;;
kill-worker) one_arg; check_index "$ARG"; KILL=1; stop_proc "worker-$ARG" "$WORKER_GRACE" ;;
restart-worker) one_arg; check_index "$ARG"; stop_proc "worker-$ARG" "$WORKER_GRACE"; start_worker "$ARG" ;;
*)
	log "unknown command $COMMAND"
	usage >&2
	exit 2
	;;
esac
