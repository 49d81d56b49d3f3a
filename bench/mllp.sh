#!/usr/bin/env bash
# HL7 v2 end-to-end benchmark: starts the hub and camel-routes on fresh databases of an external
# PostgreSQL, runs bench/MllpBench.java (N messages over K MLLP connections, inbox mode) until all
# are in the hub, stops both and drops the databases. docs/benchmarks.md explains the figures.
#
#   bench/mllp.sh [--db-url jdbc:postgresql://127.0.0.1:5432] [-n 10000] [-k 4] [--workers 8] [--lean]
#                 [--hub-jar FILE] [--routes-jar FILE]
#
# --lean runs the hub with HUB_AUDIT_ENABLED, HUB_PATIENT_INDEX_ENABLED and HUB_ENGAGEMENT_ENABLED
# off, to split the hub's per-message cost into FHIR storage and what these features add.
# Jars: hub-server/target/hub-server.jar and camel-routes/target/camel-routes.jar (build them with
# ./mvnw -B -o -DskipTests -pl camel-routes -am package). Only loopback addresses are used.
set -euo pipefail
# Benchmark hubs are throwaway: a random link-tracking secret satisfies HUB-6023 without a dev secret.
export HUB_ENGAGEMENT_TRACKING_SECRET="${HUB_ENGAGEMENT_TRACKING_SECRET:-$(head -c 24 /dev/urandom | base64)}"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DB_URL=jdbc:postgresql://127.0.0.1:5432 DB_USER=postgres N=10000 K=4 WORKERS="" LEAN=0
HUB_PORT=18090 ROUTES_PORT=18091 MLLP_PORT=12575
HUB_JAR=hub-server/target/hub-server.jar ROUTES_JAR=camel-routes/target/camel-routes.jar
while [[ $# -gt 0 ]]; do
	case "$1" in
		--db-url) DB_URL=$2; shift 2 ;;
		--db-user) DB_USER=$2; shift 2 ;;
		-n) N=$2; shift 2 ;;
		-k) K=$2; shift 2 ;;
		--workers) WORKERS=$2; shift 2 ;;
		--lean) LEAN=1; shift ;;
		--hub-port) HUB_PORT=$2; shift 2 ;;
		--mllp-port) MLLP_PORT=$2; shift 2 ;;
		--hub-jar) HUB_JAR=$2; shift 2 ;;
		--routes-jar) ROUTES_JAR=$2; shift 2 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
hostport=${DB_URL#jdbc:postgresql://}
hostport=${hostport%%/*}
PG_HOST=${hostport%%:*} PG_PORT=${hostport##*:}
[[ "$PG_PORT" == "$hostport" ]] && PG_PORT=5432
psql_() { PGPASSWORD="${HUB_DB_PASSWORD:-}" psql -qAt -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" "$@"; }

OUT="$ROOT/bench/out/mllp-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%d%H%M%S)
HUB_DB=p360_mllp_hub_$STAMP ROUTES_DB=p360_mllp_routes_$STAMP
psql_ -d postgres -c "create database $HUB_DB" -c "create database $ROUTES_DB"

HUB_PID="" ROUTES_PID=""
stop() {
	local pid=$1
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid"
	for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
	stop "$ROUTES_PID"
	stop "$HUB_PID"
	psql_ -d postgres -c "drop database if exists $HUB_DB" -c "drop database if exists $ROUTES_DB" || true
}
trap cleanup EXIT
# A TERM or INT (Ctrl-C) ends the script through exit, so the EXIT trap stops both apps.
trap 'exit 143' TERM
trap 'exit 130' INT

# Copies: a rebuild during a long run must not replace the jars under the running apps.
cp "$HUB_JAR" "$OUT/hub-server.jar"
cp "$ROUTES_JAR" "$OUT/camel-routes.jar"

# A generous connection timeout: on a busy machine the hub's first connections can take seconds.
HUB_ENV=(HUB_PORT="$HUB_PORT" HUB_SECURITY=disabled HUB_DATA_DIR="$OUT/hub-data" HUB_DB_CONNECTION_TIMEOUT=30s
	HUB_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$HUB_DB" HUB_DB_USER="$DB_USER" HUB_DB_PASSWORD="${HUB_DB_PASSWORD:-}")
if [[ $LEAN == 1 ]]; then
	HUB_ENV+=(HUB_AUDIT_ENABLED=false HUB_PATIENT_INDEX_ENABLED=false HUB_ENGAGEMENT_ENABLED=false)
fi
ROUTES_ENV=(ROUTES_PORT="$ROUTES_PORT" ROUTES_MLLP_PORT="$MLLP_PORT" ROUTES_HUB_URL="http://127.0.0.1:$HUB_PORT/fhir"
	ROUTES_HL7V2_SOURCE_SYSTEM=demo-ehr ROUTES_HEARTBEAT_PERIOD=1h ROUTES_DATA_DIR="$OUT/routes-data"
	ROUTES_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$ROUTES_DB" ROUTES_DB_USER="$DB_USER"
	ROUTES_DB_PASSWORD="${HUB_DB_PASSWORD:-}")
[[ -n "$WORKERS" ]] && ROUTES_ENV+=(ROUTES_HL7V2_WORKERS="$WORKERS")

echo "hub: ${HUB_ENV[*]//HUB_DB_PASSWORD=*/HUB_DB_PASSWORD=...}" | tee "$OUT/settings.txt"
echo "routes: ${ROUTES_ENV[*]//ROUTES_DB_PASSWORD=*/ROUTES_DB_PASSWORD=...}" | tee -a "$OUT/settings.txt"
env "${HUB_ENV[@]}" java -XX:+UseParallelGC -jar "$OUT/hub-server.jar" >"$OUT/hub.log" 2>&1 &
HUB_PID=$!
env "${ROUTES_ENV[@]}" java -Xmx512m -jar "$OUT/camel-routes.jar" >"$OUT/routes.log" 2>&1 &
ROUTES_PID=$!
for _ in $(seq 1 3000); do
	kill -0 "$HUB_PID" || { tail -30 "$OUT/hub.log"; exit 1; }
	kill -0 "$ROUTES_PID" || { tail -30 "$OUT/routes.log"; exit 1; }
	if curl -fs -m 2 "http://127.0.0.1:$HUB_PORT/actuator/health/readiness" | grep -q UP \
		&& curl -fs -m 2 "http://127.0.0.1:$ROUTES_PORT/actuator/health/readiness" | grep -q UP; then
		break
	fi
	sleep 0.1
done
echo "both apps ready; N=$N K=$K" | tee -a "$OUT/settings.txt"
java bench/MllpBench.java 127.0.0.1 "$MLLP_PORT" "http://127.0.0.1:$HUB_PORT/fhir" "$N" "$K" | tee "$OUT/bench.log"
echo "logs: $OUT"
rm -f "$OUT/hub-server.jar" "$OUT/camel-routes.jar"
