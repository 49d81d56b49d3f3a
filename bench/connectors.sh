#!/usr/bin/env bash
# Pull-connector benchmark: resources/s from the simulated EHR (fhir-r4) and the bulk export
# simulator (fhir-bulk) through the camel-routes jar into the hub jar, and the same resources posted
# straight to the hub. docs/benchmarks.md ("Pull connectors") explains the figures.
#
#   bench/connectors.sh [--page-size 100] [--bulk-types Patient,Encounter,...]
#                       [--hub-db-url jdbc:postgresql://127.0.0.1:5432/<fresh db> --hub-db-user postgres]
# Without --hub-db-url the hub uses an embedded PostgreSQL in the run's directory.
#
# Needs hub-server/target/hub-server.jar, camel-routes/target/camel-routes.jar and camel-routes'
# compiled test classes (the simulators): ./mvnw -B -pl camel-routes -am package -DskipTests
set -euo pipefail
# Benchmark hubs are throwaway: a random link-tracking secret satisfies HUB-6023 without a dev secret.
export HUB_ENGAGEMENT_TRACKING_SECRET="${HUB_ENGAGEMENT_TRACKING_SECRET:-$(head -c 24 /dev/urandom | base64)}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
for f in hub-server/target/hub-server.jar camel-routes/target/camel-routes.jar camel-routes/target/test-classes/dev/patient360/routes/simulator/EhrSimulator.class; do
	[[ -f $f ]] || { echo "missing $f: run ./mvnw -B -pl camel-routes -am package -DskipTests" >&2; exit 1; }
done
OUT="$ROOT/bench/out/connectors-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/lib"
# A snapshot of what is measured, so a build running meanwhile cannot swap it.
cp hub-server/target/hub-server.jar camel-routes/target/camel-routes.jar "$OUT/"
cp -r camel-routes/target/test-classes "$OUT/test-classes"
cp -r camel-routes/target/classes "$OUT/classes"
# The routes jar carries every runtime dependency (HAPI, Jackson, nimbus, fhir-profiles); WireMock
# is a test dependency, taken from the local Maven repository.
(cd "$OUT/lib" && unzip -q -o "$OUT/camel-routes.jar" 'BOOT-INF/lib/*')
WIREMOCK=$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar)
CP="$OUT/test-classes:$OUT/classes:$OUT/lib/BOOT-INF/lib/*:$WIREMOCK"
java -Xmx2g -XX:+UseParallelGC -cp "$CP" "$ROOT/bench/ConnectorBench.java" \
	--work "$OUT" --hub-jar "$OUT/hub-server.jar" --routes-jar "$OUT/camel-routes.jar" \
	--bundles "$ROOT/../shared/data/synthea-r4/bundles" --bulk "$ROOT/../shared/data/synthea-bulk-ndjson/10-patients" "$@" \
	2>&1 | tee "$OUT/bench.log"
echo "logs: $OUT"
