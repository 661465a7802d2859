#!/usr/bin/env bash
# Hello-world JVM start-up: no agent, a no-op agent, Lifeline. Runs are interleaved; prints medians and ratios.
# Usage: benchmarks/startup.sh [RUNS] [JAVA_HOME]    (after: mvn -B package -DskipTests)
#        AGENT_ARG=/etc/lifeline.properties benchmarks/startup.sh ...   Lifeline given that argument (a fleet's usual
#        form); without it Lifeline runs on its defaults and defers its start to the first SSH class
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
java_home=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
java="$java_home/bin/java"
agent=agent/target/lifeline-agent.jar
[ -f "$agent" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

"$java_home/bin/javac" -d "$work/noop-classes" benchmarks/noop-agent/NoopAgent.java
printf 'Premain-Class: NoopAgent\nCan-Retransform-Classes: true\n' > "$work/manifest"
"$java_home/bin/jar" cfm "$work/noop-agent.jar" "$work/manifest" -C "$work/noop-classes" .
mkdir -p "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("Hello"); } }\n' > "$work/Hello.java"
"$java_home/bin/javac" -d "$work/hello" "$work/Hello.java"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: > "$work/none"; : > "$work/noop"; : > "$work/lifeline"
for _ in 1 2; do "$java" -cp "$work/hello" Hello >/dev/null; done   # warm the page cache
for _ in $(seq "$runs"); do
  ms "$java" -cp "$work/hello" Hello >> "$work/none"
  ms "$java" -javaagent:"$work/noop-agent.jar" -cp "$work/hello" Hello >> "$work/noop"
  ms "$java" -javaagent:"$agent${AGENT_ARG:+=$AGENT_ARG}" -cp "$work/hello" Hello >> "$work/lifeline"
done
none=$(median < "$work/none"); noop=$(median < "$work/noop"); life=$(median < "$work/lifeline")
echo "JVM: $("$java" -version 2>&1 | head -1)   runs: $runs each, interleaved   Lifeline argument: ${AGENT_ARG:-none}"
printf '%-28s %8s ms\n' "no agent (median)" "$none" "no-op agent (median)" "$noop" "Lifeline (median)" "$life"
awk -v a="$none" -v b="$noop" -v c="$life" 'BEGIN {
  printf "no-op agent / no agent   %.2fx\nLifeline / no agent      %.2fx\nLifeline / no-op agent   %.2fx\n", b/a, c/a, c/b }'
printf 'agent jar: %s bytes\n' "$(stat -c %s "$agent")"
