#!/usr/bin/env bash
# Engagement engine benchmark (docs/benchmarks.md, "Engagement engine"): on one fresh embedded
# database,
#   1. hub with HUB_ENGAGEMENT_ENABLED=false: load N patients made from the Synthea templates, then
#      ingest a sample of S more (the cost of ingestion without the engine);
#   2. hub restarted with the engine on: the first catch-up recomputes every Patient (no rules hash
#      stored yet); then ingest another sample of S (the cost with the engine keeping them current);
#   3. with --rule-change-restart: hub restarted with one rule changed (HUB_ENGAGEMENT_SEGMENT_HIGH_VALUE)
#      and its catch-up at start; without: the catch-up run again by POST $engagement-recompute on the
#      same hub (same work minus the writes; saves a boot on a busy machine).
#
#   bench/engagement.sh [--patients 10000] [--sample 500] [--clients 4] [--port 18391] [--jar FILE]
#                       [--rule-change-restart] [--rebuild] [--keep]
set -euo pipefail
# Benchmark hubs are throwaway: a random link-tracking secret satisfies HUB-6023 without a dev secret.
export HUB_ENGAGEMENT_TRACKING_SECRET="${HUB_ENGAGEMENT_TRACKING_SECRET:-$(head -c 24 /dev/urandom | base64)}"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PATIENTS=10000 SAMPLE=500 CLIENTS=4 PORT=18391 REBUILD=0 KEEP=0 RULE_CHANGE_RESTART=0 JAR="$ROOT/hub-server/target/hub-server.jar"
BUNDLES="$ROOT/../shared/data/synthea-r4/bundles"
while [[ $# -gt 0 ]]; do
	case "$1" in
		--patients) PATIENTS=$2; shift 2 ;;
		--sample) SAMPLE=$2; shift 2 ;;
		--clients) CLIENTS=$2; shift 2 ;;
		--port) PORT=$2; shift 2 ;;
		--jar) JAR=$(realpath "$2"); shift 2 ;;
		--bundles) BUNDLES=$(realpath "$2"); shift 2 ;;
		--rebuild) REBUILD=1; shift ;;
		--rule-change-restart) RULE_CHANGE_RESTART=1; shift ;;
		--keep) KEEP=1; shift ;;
		-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
[[ -d "$BUNDLES" ]] || { echo "no bundles at $BUNDLES" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	echo "port $PORT is already in use; pick another with --port" >&2
	exit 1
fi

OUT="$ROOT/bench/out/engagement-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "[engagement.sh] $*" | tee -a "$OUT/summary.txt"; }

if [[ $REBUILD == 1 || ! -f "$JAR" ]]; then
	log "building hub-server.jar"
	./mvnw -B -q -o -DskipTests -pl hub-server -am package
fi
# The client needs only Jackson: the hub jar's own copies, so no dependency resolution is needed.
CLIENT_LIB="$OUT/client-lib"
mkdir -p "$CLIENT_LIB"
unzip -q -j -o "$JAR" 'BOOT-INF/lib/jackson-core-*.jar' 'BOOT-INF/lib/jackson-databind-*.jar' \
	'BOOT-INF/lib/jackson-annotations-*.jar' -d "$CLIENT_LIB"
CLIENT_CP=$(ls "$CLIENT_LIB"/*.jar | paste -sd:)
client() { java -Xmx2g -cp "$CLIENT_CP" "$ROOT/bench/EngagementBench.java" "$@" --base "http://127.0.0.1:$PORT"; }

DATA_DIR=$(mktemp -d -t p360-engagement-bench-XXXXXX)
HUB_PID=""
stop_hub() {
	if [[ -n "$HUB_PID" ]] && kill -0 "$HUB_PID" 2>/dev/null; then
		kill -TERM "$HUB_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$HUB_PID" 2>/dev/null; then kill -KILL "$HUB_PID" 2>/dev/null || true; fi
	fi
	HUB_PID=""
}
cleanup() {
	stop_hub
	if [[ -f "$DATA_DIR/postgres/postmaster.pid" ]]; then
		kill -INT "$(head -1 "$DATA_DIR/postgres/postmaster.pid")" 2>/dev/null || true
		sleep 2
	fi
	if [[ $KEEP == 0 ]]; then rm -rf "$DATA_DIR"; else log "kept $DATA_DIR"; fi
}
trap cleanup EXIT

# start_hub NAME VAR=VALUE...: the hub on the benchmark's data directory with these settings.
start_hub() {
	local name=$1
	shift
	env HUB_PORT="$PORT" HUB_DATA_DIR="$DATA_DIR" HUB_SECURITY=disabled "$@" \
		java -XX:+UseParallelGC ${JAVA_OPTS:-} -jar "$JAR" >"$OUT/hub-$name.log" 2>&1 &
	HUB_PID=$!
	for _ in $(seq 1 3000); do
		kill -0 "$HUB_PID" 2>/dev/null || { tail -30 "$OUT/hub-$name.log"; exit 1; }
		if curl -fs -m 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
			log "hub ($name: $*) ready"
			return
		fi
		sleep 0.1
	done
	log "hub ($name) not ready after 300 s"
	exit 1
}

log "nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg), $PATIENTS patients, samples of $SAMPLE, $CLIENTS clients"
start_hub engine-off HUB_ENGAGEMENT_ENABLED=false
log "load: $(client ingest --bundles "$BUNDLES" --patients "$PATIENTS" --clients "$CLIENTS" --seed 1)"
log "sample without the engine: $(client ingest --bundles "$BUNDLES" --patients "$SAMPLE" --clients "$CLIENTS" --seed 2)"
stop_hub

start_hub engine-on HUB_ENGAGEMENT_ENABLED=true
log "first catch-up (no rules hash stored): $(client catch-up)"
log "sample with the engine: $(client ingest --bundles "$BUNDLES" --patients "$SAMPLE" --clients "$CLIENTS" --seed 3)"
if [[ $RULE_CHANGE_RESTART == 1 ]]; then
	stop_hub
	start_hub rule-changed HUB_ENGAGEMENT_ENABLED=true HUB_ENGAGEMENT_SEGMENT_HIGH_VALUE=65
	log "catch-up after a rule change (high-value 70 -> 65, at start): $(client catch-up)"
else
	log "catch-up run again (POST \$engagement-recompute, rules unchanged): $(client catch-up --start true)"
fi
log "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); logs in $OUT"
