#!/usr/bin/env bash
# Patient 360 Hub benchmark: boots the hub on a fresh database, measures boot time and RSS, runs
# bench/HubBench.java (warm-up, ingestion with 1 and N clients, read latencies, raw PostgreSQL
# ceiling), stops the hub and prints the summary. docs/benchmarks.md explains every figure.
#
#   bench/run.sh [--db-url jdbc:postgresql://127.0.0.1:5432] [--clients 4] [--jfr FILE] ...
#
# Only loopback addresses are used; every phase is bounded in count and time.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]
  --db-url URL            external PostgreSQL server (jdbc:postgresql://HOST:PORT[/ignored]); the hub
                          gets a freshly created database there, dropped afterwards unless --keep.
                          Default: the hub's embedded PostgreSQL in a fresh temporary HUB_DATA_DIR.
  --db-user NAME          user for --db-url (default postgres; password from HUB_DB_PASSWORD)
  --port N                hub HTTP port (default 18080)
  --clients N             concurrent clients for the second ingestion pass (default 4)
  --warmup-bundles N      bundles per warm-up round (default 30)
  --warmup-min-rounds N   (default 3)
  --warmup-max-rounds N   (default 12)
  --warmup-tolerance PCT  warm-up ends after 2 rounds not beating the best round by more than PCT (default 5)
  --reads N               timed requests per read type (default 1000)
  --everything-reads N    timed Patient/$everything requests (default: --reads)
  --read-warmup N         untimed requests per read type before timing (default 100)
  --ceiling-passes N      passes over all bundles per raw-insert measurement (default 3)
  --max-read-seconds N    time cap per read type (default 120)
  --max-everything-seconds N  time cap for Patient/$everything (default 180)
  --max-warmup-seconds N  time cap for the warm-up (default 360)
  --jfr FILE              record a JFR profile of the hub (whole run) and print the top CPU
                          consumers during the N-client ingestion
  --bundles DIR           Synthea bundles (default ../shared/data/synthea-r4/bundles from the repo)
  --bundle-limit N        use only the first N bundles (a quick check of the bench, not a result)
  --rebuild               rebuild hub-server.jar even if it exists
  --keep                  keep the temporary data directory / created database
  -h, --help
Environment: JAVA_OPTS is added to the hub's JVM options (after -XX:+UseParallelGC).
Output: bench/out/<timestamp>/{hub.log,bench.log,summary.txt}.
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DB_URL="" DB_USER=postgres PORT=18080 JFR="" REBUILD=0 KEEP=0
BUNDLES="$ROOT/../shared/data/synthea-r4/bundles"
CLIENT_ARGS=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--db-url) DB_URL=$2; shift 2 ;;
		--db-user) DB_USER=$2; shift 2 ;;
		--port) PORT=$2; shift 2 ;;
		--jfr) JFR=$(realpath -m "$2"); shift 2 ;;
		--bundles) BUNDLES=$(realpath "$2"); shift 2 ;;
		--rebuild) REBUILD=1; shift ;;
		--keep) KEEP=1; shift ;;
		--clients|--warmup-bundles|--warmup-min-rounds|--warmup-max-rounds|--warmup-tolerance|--reads|--everything-reads|--read-warmup|--max-read-seconds|--max-everything-seconds|--max-warmup-seconds|--ceiling-passes|--bundle-limit)
			CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
		-h|--help) usage; exit 0 ;;
		*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done
CLIENTS=4
for ((i = 0; i < ${#CLIENT_ARGS[@]}; i += 2)); do
	[[ ${CLIENT_ARGS[i]} == --clients ]] && CLIENTS=${CLIENT_ARGS[i + 1]}
done

[[ -d "$BUNDLES" ]] || { echo "no bundles at $BUNDLES" >&2; exit 1; }
# Readiness on a port someone else already serves would time the wrong process.
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	echo "port $PORT is already in use; pick another with --port" >&2
	exit 1
fi

OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "[run.sh] $*" | tee -a "$OUT/bench.log"; }

# --- build the hub and resolve the client's classpath ----------------------------------------------
JAR="$ROOT/hub-server/target/hub-server.jar"
if [[ $REBUILD == 1 || ! -f "$JAR" ]]; then
	log "building hub-server.jar"
	# Only hub-server and what it depends on: the benchmark needs nothing else.
	./mvnw -B -q -DskipTests -pl hub-server -am package
fi
CP_FILE="$ROOT/bench/out/client.classpath"
if [[ ! -s "$CP_FILE" || "$ROOT/pom.xml" -nt "$CP_FILE" || "$ROOT/hub-server/pom.xml" -nt "$CP_FILE" ]]; then
	log "resolving the client classpath (PostgreSQL JDBC driver, Jackson) from hub-server's dependencies"
	./mvnw -B -q -pl hub-server dependency:build-classpath -Dmdep.outputFile="$OUT/full.classpath" >/dev/null
	tr ':' '\n' <"$OUT/full.classpath" \
		| grep -E '/(postgresql|jackson-core|jackson-databind|jackson-annotations)-[0-9][^/]*\.jar$' \
		| paste -sd: >"$CP_FILE"
fi
CLIENT_CP=$(cat "$CP_FILE")
client() { java -Xmx2g -XX:+UseParallelGC -cp "$CLIENT_CP" "$ROOT/bench/HubBench.java" "$@"; }

# --- database ---------------------------------------------------------------------------------------
DATA_DIR=$(mktemp -d -t p360-bench-XXXXXX)
HUB_PID="" CREATED_DB="" PG_HOST=127.0.0.1 PG_PORT="" PG_ARGS=()
cleanup() {
	if [[ -n "$HUB_PID" ]] && kill -0 "$HUB_PID" 2>/dev/null; then
		kill -TERM "$HUB_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$HUB_PID" 2>/dev/null; then kill -KILL "$HUB_PID" 2>/dev/null || true; fi
	fi
	# The embedded PostgreSQL is a separate process tree; if the hub died without stopping it, stop
	# it by the pid in its own postmaster.pid (SIGINT = fast shutdown).
	if [[ -f "$DATA_DIR/postgres/postmaster.pid" ]]; then
		kill -INT "$(head -1 "$DATA_DIR/postgres/postmaster.pid")" 2>/dev/null || true
		sleep 2
	fi
	if [[ -n "$CREATED_DB" && $KEEP == 0 ]]; then
		client dropdb "$CREATED_DB" "${PG_ARGS[@]}" >/dev/null 2>&1 || true
	fi
	if [[ $KEEP == 0 ]]; then rm -rf "$DATA_DIR"; else log "kept $DATA_DIR ${CREATED_DB:+and database $CREATED_DB}"; fi
}
trap cleanup EXIT

# The benchmark measures FHIR storage and search; its client sends no tokens, so the hub runs with
# security disabled (it says so in hub.log). Token validation is a local signature check per request.
HUB_ENV=(HUB_PORT="$PORT" HUB_DATA_DIR="$DATA_DIR" HUB_SECURITY=disabled
	HUB_ENGAGEMENT_TRACKING_SECRET="$(head -c 24 /dev/urandom | base64)")
if [[ -n "$DB_URL" ]]; then
	hostport=${DB_URL#jdbc:postgresql://}
	hostport=${hostport%%/*}
	PG_HOST=${hostport%%:*}
	PG_PORT=${hostport##*:}
	[[ "$PG_PORT" == "$hostport" ]] && PG_PORT=5432
	# The client reads HUB_DB_PASSWORD from the environment, like the hub.
	PG_ARGS=(--pg-host "$PG_HOST" --pg-port "$PG_PORT" --pg-user "$DB_USER")
	CREATED_DB="p360_bench_$(date -u +%Y%m%d%H%M%S)"
	client createdb "$CREATED_DB" "${PG_ARGS[@]}"
	log "external PostgreSQL $PG_HOST:$PG_PORT, fresh database $CREATED_DB"
	HUB_ENV+=(HUB_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$CREATED_DB" HUB_DB_USER="$DB_USER"
		HUB_DB_PASSWORD="${HUB_DB_PASSWORD:-}")
fi

# --- boot -------------------------------------------------------------------------------------------
HUB_OPTS=(-XX:+UseParallelGC)
if [[ -n "$JFR" ]]; then
	# Deep stacks: HAPI + Hibernate + Spring + Tomcat easily exceed JFR's default depth of 64, and a
	# truncated stack loses the frames that say which request path a sample belongs to.
	HUB_OPTS+=(-XX:FlightRecorderOptions:stackdepth=256
		"-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
fi
# shellcheck disable=SC2206 # JAVA_OPTS is a word list by convention
HUB_OPTS+=(${JAVA_OPTS:-})
log "starting the hub: java ${HUB_OPTS[*]} -jar hub-server.jar (HUB_DATA_DIR=$DATA_DIR)"
start_ns=$(date +%s%N)
env "${HUB_ENV[@]}" java "${HUB_OPTS[@]}" -jar "$JAR" >"$OUT/hub.log" 2>&1 &
HUB_PID=$!
ready=0
for _ in $(seq 1 3000); do # 300 s at most
	if ! kill -0 "$HUB_PID" 2>/dev/null; then
		log "the hub exited during startup; last lines of $OUT/hub.log:"
		tail -30 "$OUT/hub.log"
		exit 1
	fi
	if curl -fs -m 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
		ready=1
		break
	fi
	sleep 0.1
done
BOOT_MS=$((($(date +%s%N) - start_ns) / 1000000))
[[ $ready == 1 ]] || { log "the hub was not ready after 300 s"; exit 1; }
RSS_BOOT_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$HUB_PID/status")
log "hub ready in $BOOT_MS ms (pid $HUB_PID), RSS after boot $((RSS_BOOT_KB / 1024)) MiB"

if [[ -z "$DB_URL" ]]; then
	PG_PORT=$(grep -oE 'Embedded PostgreSQL running on 127\.0\.0\.1:[0-9]+' "$OUT/hub.log" | head -1 | sed 's/.*://')
	[[ -n "$PG_PORT" ]] || { log "no 'Embedded PostgreSQL running on' line in the hub log"; exit 1; }
	PG_ARGS=(--pg-host 127.0.0.1 --pg-port "$PG_PORT" --pg-user postgres)
	HUB_DB=hub
	DB_DESC="embedded PostgreSQL (fresh, in $DATA_DIR)"
	PG_DATA_ARGS=(--pg-data-dir "$DATA_DIR/postgres")
	log "embedded PostgreSQL on 127.0.0.1:$PG_PORT"
else
	HUB_DB=$CREATED_DB
	DB_DESC="external PostgreSQL $PG_HOST:$PG_PORT, fresh database $CREATED_DB"
	PG_DATA_ARGS=()
fi

# --- the benchmark ----------------------------------------------------------------------------------
if ! client run --fhir "http://127.0.0.1:$PORT/fhir" --bundles "$BUNDLES" "${PG_ARGS[@]}" --hub-db "$HUB_DB" \
	"${PG_DATA_ARGS[@]}" --hub-pid "$HUB_PID" --boot-ms "$BOOT_MS" --rss-boot-kb "$RSS_BOOT_KB" \
	--summary-file "$OUT/summary.txt" --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- hub-server pom.xml || echo ' (hub-server modified)')" \
	--hub-jvm "${HUB_OPTS[*]}" --database "$DB_DESC" "${CLIENT_ARGS[@]}" 2>&1 | tee -a "$OUT/bench.log"; then
	log "the benchmark client failed; hub log: $OUT/hub.log"
	exit 1
fi

RSS_END_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$HUB_PID/status")
log "hub RSS after load: $((RSS_END_KB / 1024)) MiB"

# --- stop -------------------------------------------------------------------------------------------
stop_ns=$(date +%s%N)
kill -TERM "$HUB_PID"
for _ in $(seq 1 600); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$HUB_PID" 2>/dev/null; then
	log "the hub did not stop within 60 s; killing it"
	kill -KILL "$HUB_PID"
else
	log "hub stopped in $((($(date +%s%N) - stop_ns) / 1000000)) ms"
fi
HUB_PID=""

if [[ -n "$JFR" && -f "$JFR" ]]; then
	window=$(grep -E "^  phase ingest-$CLIENTS " "$OUT/bench.log" | head -1 | awk '{print $3, $4}')
	log "JFR recording: $JFR; top CPU consumers during ingest-$CLIENTS ($window):"
	# shellcheck disable=SC2086 # window is two words: from and to
	java "$ROOT/bench/JfrTop.java" "$JFR" --window $window --top 25 | tee "$OUT/jfr-top.txt"
fi

cat "$OUT/summary.txt"
echo "logs: $OUT"
