#!/usr/bin/env bash
# Patient-index benchmark: ingests the Synthea bundles as three sources into a fresh hub with
# HUB_PATIENT_INDEX_ENABLED=true and then into another fresh hub with false, prints resources/s for
# both, and Patient/{golden}/$everything p50/p99 for golden records with three linked sources.
# docs/benchmarks.md (section "Patient index") explains every figure.
#
#   bench/patient-index.sh [--modes "true false"] [--clients 4] [--bundle-limit N] [--everything-reads 1000] ...
#
# Each hub gets the embedded PostgreSQL in its own temporary HUB_DATA_DIR; only loopback is used.
set -euo pipefail
# Benchmark hubs are throwaway: a random link-tracking secret satisfies HUB-6023 without a dev secret.
export HUB_ENGAGEMENT_TRACKING_SECRET="${HUB_ENGAGEMENT_TRACKING_SECRET:-$(head -c 24 /dev/urandom | base64)}"

usage() {
	cat <<'USAGE'
usage: bench/patient-index.sh [options]
  --modes "true false"     index settings to measure, in this order (default both)
  --port N                 hub HTTP port (default 18090)
  --clients N              concurrent ingestion clients (default 4)
  --bundle-limit N         only the first N bundles (default all 119)
  --warmup-bundles N       bundles per warm-up round (default 30)
  --warmup-rounds N        warm-up rounds (default 3)
  --everything-reads N     timed Patient/{golden}/$everything calls with the index on (default 1000)
  --max-everything-seconds N  time cap for them (default 240)
  --bundles DIR            Synthea bundles (default ../shared/data/synthea-r4/bundles)
  --jfr FILE               record a JFR profile of the index-on hub (FILE) for bench/JfrTop.java
  --jar FILE               the hub to measure (default hub-server/target/hub-server.jar, built if missing)
  --rebuild                rebuild hub-server.jar even if it exists
USAGE
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MODES="true false" PORT=18090 REBUILD=0 JFR="" JAR=""
BUNDLES="$ROOT/../shared/data/synthea-r4/bundles"
READS=1000
CLIENT_ARGS=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--modes) MODES=$2; shift 2 ;;
		--port) PORT=$2; shift 2 ;;
		--bundles) BUNDLES=$(realpath "$2"); shift 2 ;;
		--everything-reads) READS=$2; shift 2 ;;
		--jfr) JFR=$(realpath -m "$2"); shift 2 ;;
		--jar) JAR=$(realpath "$2"); shift 2 ;;
		--rebuild) REBUILD=1; shift ;;
		--clients|--bundle-limit|--warmup-bundles|--warmup-rounds|--max-everything-seconds)
			CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
		-h|--help) usage; exit 0 ;;
		*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done
[[ -d "$BUNDLES" ]] || { echo "no bundles at $BUNDLES" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	echo "port $PORT is already in use; pick another with --port" >&2
	exit 1
fi

OUT="$ROOT/bench/out/pi-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "[patient-index.sh] $*" | tee -a "$OUT/bench.log"; }

if [[ -z "$JAR" ]]; then
	JAR="$ROOT/hub-server/target/hub-server.jar"
fi
if [[ $REBUILD == 1 || ! -f "$JAR" ]]; then
	log "building hub-server.jar"
	./mvnw -B -q -o -DskipTests -pl hub-server -am package
fi
CP_FILE="$ROOT/bench/out/pi-client.classpath"
if [[ ! -s "$CP_FILE" || "$ROOT/pom.xml" -nt "$CP_FILE" || "$ROOT/fhir-profiles/pom.xml" -nt "$CP_FILE" ]]; then
	log "resolving the client classpath (Jackson, managed by the same BOMs) from fhir-profiles' dependencies"
	# hub-server's own classpath needs fhir-profiles' jar, which only a package build provides.
	./mvnw -B -q -o -pl fhir-profiles dependency:build-classpath -Dmdep.outputFile="$OUT/full.classpath" >/dev/null
	tr ':' '\n' <"$OUT/full.classpath" \
		| grep -E '/(postgresql|jackson-core|jackson-databind|jackson-annotations)-[0-9][^/]*\.jar$' \
		| paste -sd: >"$CP_FILE"
fi
CLIENT_CP=$(cat "$CP_FILE")

HUB_PID="" DATA_DIR=""
stop_hub() {
	if [[ -n "$HUB_PID" ]] && kill -0 "$HUB_PID" 2>/dev/null; then
		kill -TERM "$HUB_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$HUB_PID" 2>/dev/null; then kill -KILL "$HUB_PID" 2>/dev/null || true; fi
	fi
	if [[ -n "$DATA_DIR" && -f "$DATA_DIR/postgres/postmaster.pid" ]]; then
		kill -INT "$(head -1 "$DATA_DIR/postgres/postmaster.pid")" 2>/dev/null || true
		sleep 2
	fi
	[[ -n "$DATA_DIR" ]] && rm -rf "$DATA_DIR"
	HUB_PID="" DATA_DIR=""
}
trap stop_hub EXIT

log "hub $JAR, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- hub-server pom.xml || echo ' (hub-server modified)'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do
	DATA_DIR=$(mktemp -d -t p360-pi-bench-XXXXXX)
	HUB_OPTS=(-XX:+UseParallelGC)
	if [[ -n "$JFR" && $mode == true ]]; then
		HUB_OPTS+=(-XX:FlightRecorderOptions:stackdepth=256
			"-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
	fi
	# shellcheck disable=SC2206 # JAVA_OPTS is a word list by convention
	HUB_OPTS+=(${JAVA_OPTS:-})
	# The client sends no tokens: security is disabled, as in bench/run.sh.
	log "starting a fresh hub with HUB_PATIENT_INDEX_ENABLED=$mode, HUB_SECURITY=disabled (HUB_DATA_DIR=$DATA_DIR)"
	env HUB_PORT="$PORT" HUB_DATA_DIR="$DATA_DIR" HUB_SECURITY=disabled HUB_PATIENT_INDEX_ENABLED="$mode" \
		java "${HUB_OPTS[@]}" -jar "$JAR" >"$OUT/hub-index-$mode.log" 2>&1 &
	HUB_PID=$!
	ready=0
	for _ in $(seq 1 18000); do # 30 min at most: a busy machine boots slowly
		kill -0 "$HUB_PID" 2>/dev/null || { log "the hub exited during startup"; tail -30 "$OUT/hub-index-$mode.log"; exit 1; }
		# Our own hub's start line first: another process may answer on the port while ours boots.
		if grep -q "Started HubApplication" "$OUT/hub-index-$mode.log" \
			&& curl -fs -m 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"' \
			&& curl -fs -m 10 -o /dev/null "http://127.0.0.1:$PORT/fhir/metadata"; then
			ready=1
			break
		fi
		sleep 0.1
	done
	[[ $ready == 1 ]] || { log "the hub was not ready after 30 min"; exit 1; }
	reads=0
	[[ $mode == true ]] && reads=$READS
	java -Xmx2g -cp "$CLIENT_CP" "$ROOT/bench/PatientIndexBench.java" --fhir "http://127.0.0.1:$PORT/fhir" \
		--bundles "$BUNDLES" --label "index-$mode" --everything-reads "$reads" --summary-file "$OUT/summary.txt" \
		"${CLIENT_ARGS[@]}" 2>&1 | tee -a "$OUT/bench.log"
	stop_hub
done
if [[ -n "$JFR" && -f "$JFR" ]]; then
	log "JFR recording: $JFR (java bench/JfrTop.java $JFR --top 25)"
fi
cat "$OUT/summary.txt"
echo "logs: $OUT"
