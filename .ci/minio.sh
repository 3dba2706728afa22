#!/usr/bin/env bash
# MinIO for bitsweep's S3 storage tests.
#
#   .ci/minio.sh install    build the pinned server into the cache (once)
#   eval "$(.ci/minio.sh start)"
#                           start it on 127.0.0.1 and export
#                           BITSWEEP_TEST_S3_ENDPOINT, MINIO_ROOT_USER and
#                           MINIO_ROOT_PASSWORD for `go test ./storage/...`
#   .ci/minio.sh stop       stop it and delete its data
#
# MinIO is AGPL: it is built from source with `go install` and only ever run
# as a separate process on loopback; no bitsweep package imports it.
#
# `install` builds github.com/minio/minio at the pinned pseudo-version with
# `GOBIN=<cache>/bin go install`. That takes about 10 minutes cold on 2 cores
# (5 if nothing else runs) and is skipped when <cache>/bin/minio already is
# that version (recorded in <cache>/bin/minio.version). `go install pkg@version`
# refuses modules whose go.mod has replace directives; if it fails, the
# script falls back to `go mod download` of the module, a writable copy of
# the module-cache directory and a plain `go build` inside it, which honours
# them.
#
# `start` generates throwaway credentials, passes them to the server through
# its environment (never on a command line), binds the API and the console
# to 127.0.0.1 on free ports, waits for /minio/health/live and prints the
# export lines on stdout. The password appears nowhere else: diagnostics go
# to stderr, and the export lines are also kept in a 0600 file in the state
# directory so that a second `start` while the server runs prints them again.
#
# Environment:
#   BITSWEEP_CACHE        cache root (default $HOME/.cache/bitsweep); the
#                         binary goes to $BITSWEEP_CACHE/bin
#   BITSWEEP_MINIO_STATE  state directory: pid, log, data, env
#                         (default $BITSWEEP_CACHE/minio)
#   BITSWEEP_MINIO_PORT   API port (default: first free port from 19000)
set -euo pipefail

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

CACHE=${BITSWEEP_CACHE:-$HOME/.cache/bitsweep}
BIN_DIR=$CACHE/bin
MINIO_BIN=$BIN_DIR/minio
STATE=${BITSWEEP_MINIO_STATE:-$CACHE/minio}

log() { printf 'minio.sh: %s\n' "$*" >&2; }
# die reports and exits. Under `start` it also prints `false` on stdout, so
# that `eval "$(minio.sh start)"` fails too instead of evaluating nothing.
die() {
	log "$*"
	[[ $COMMAND == start ]] && echo false
	exit 1
}

have_binary() {
	[[ -x $MINIO_BIN && -f $MINIO_BIN.version && $(<"$MINIO_BIN.version") == "$MINIO_VERSION" ]]
}

cmd_install() {
	if have_binary; then
		log "$MINIO_BIN is $MINIO_VERSION already; not rebuilding"
		return
	fi
	command -v go >/dev/null || die "go is not on PATH"
	mkdir -p "$BIN_DIR"
	rm -f "$MINIO_BIN.version"
	local start=$SECONDS tmp
	tmp=$(mktemp -d)
	trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' RETURN
	log "building $MINIO_MODULE@$MINIO_VERSION into $BIN_DIR (takes minutes)"
	# Build outside any module so that the caller's go.mod plays no part.
	if ! (cd "$tmp" && GOBIN=$BIN_DIR go install "$MINIO_MODULE@$MINIO_VERSION") 2>"$tmp/install.log"; then
		cat "$tmp/install.log" >&2
		log "go install failed; building from a copy of the module instead"
		local dir
		dir=$(cd "$tmp" && go mod download -json "$MINIO_MODULE@$MINIO_VERSION" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[[ -n $dir && -d $dir ]] || die "go mod download gave no module directory"
		cp -r "$dir" "$tmp/src"
		chmod -R u+w "$tmp/src"
		(cd "$tmp/src" && go build -o "$MINIO_BIN" .)
	fi
	[[ -x $MINIO_BIN ]] || die "build finished but there is no $MINIO_BIN"
	echo "$MINIO_VERSION" >"$MINIO_BIN.version"
	log "built $MINIO_BIN in $((SECONDS - start)) s"
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

# healthy PORT: does /minio/health/live answer 200?
healthy() (
	exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf 'GET /minio/health/live HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$1" >&3
	IFS= read -r -t 2 status <&3 || exit 1
	[[ $status == "HTTP/1."?" 200"* ]]
)

clean_state() { rm -rf "$STATE/data" "$STATE/pid" "$STATE/log" "$STATE/env"; }

running() {
	[[ -f $STATE/pid ]] && kill -0 "$(<"$STATE/pid")" 2>/dev/null
}

random_string() { # LENGTH
	local s
	s=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1") || true
	printf '%s' "$s"
}

cmd_start() {
	if running; then
		log "already running (pid $(<"$STATE/pid")); printing its settings again"
		cat "$STATE/env"
		return
	fi
	have_binary || cmd_install
	clean_state
	mkdir -p "$STATE/data"
	chmod 700 "$STATE"

	local port console user password
	port=${BITSWEEP_MINIO_PORT:-$(free_port 19000)}
	port_free "$port" || die "port $port is in use"
	console=$(free_port $((port + 1)))
	user=bitsweep-$(random_string 8)
	password=$(random_string 40)
	[[ ${#password} -eq 40 ]] || die "could not generate a password"

	# setsid: the server gets its own session and does not die with the
	# caller's shell; it is stopped by pid with `stop`.
	MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$password \
		MINIO_BROWSER=off MINIO_UPDATE=off \
		setsid "$MINIO_BIN" server --quiet \
		--address "127.0.0.1:$port" --console-address "127.0.0.1:$console" \
		"$STATE/data" </dev/null >"$STATE/log" 2>&1 &
	echo $! >"$STATE/pid"

	local deadline=$((SECONDS + 60))
	until healthy "$port" 2>/dev/null; do
		if ! running; then
			tail -n 30 "$STATE/log" >&2
			die "server exited during startup (log: $STATE/log)"
		fi
		((SECONDS < deadline)) || { cmd_stop; die "server not healthy after 60 s"; }
		sleep 0.2
	done
	log "running on 127.0.0.1:$port (pid $(<"$STATE/pid"), log $STATE/log)"

	(
		umask 077
		{
			printf 'export BITSWEEP_TEST_S3_ENDPOINT=%q\n' "127.0.0.1:$port"
			printf 'export MINIO_ROOT_USER=%q\n' "$user"
			printf 'export MINIO_ROOT_PASSWORD=%q\n' "$password"
		} >"$STATE/env"
	)
	cat "$STATE/env"
}

cmd_stop() {
	if running; then
		local pid
		pid=$(<"$STATE/pid")
		kill -TERM "$pid"
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
		log "stopped pid $pid"
	else
		log "not running"
	fi
	clean_state
}

COMMAND=${1:-}
case $COMMAND in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
*)
	echo "usage: $0 install|start|stop" >&2
	exit 2
	;;
esac
