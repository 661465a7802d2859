#!/usr/bin/env bash
# The benchmark: every figure with and without the agent, measured in this one run, interleaved (A B A B ...), medians.
# Prints a table and writes benchmarks/results.md (QUICK=1: few iterations, for development, to results-quick.md).
#
#   benchmarks/run.sh              # full: about 15 minutes on 2 cores; needs root, /usr/sbin/sshd, nft, user lifeline-test
#   QUICK=1 benchmarks/run.sh      # about 2 minutes
#   ROWS=3,7 QUICK=1 benchmarks/run.sh   # only some rows of the suite (1 and 8 always run: they take seconds)
#
# Rows: 1 start-up (benchmarks/startup.sh), 2-7 and 9 the JUnit class BenchmarkSuite (sample-apps, skipped unless
# -Dlifeline.bench=true, so `mvn verify` never runs it), 8 the agent jar. Row 9: dead-peer detection side by side with
# OpenSSH's own client (issue 25); alone: ROWS=9 benchmarks/run.sh (about 4 minutes). Nothing here asserts speed: a goal that is
# missed says so in the table.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
quick=${QUICK:-}
rows=${ROWS:-}
if [ -n "$quick" ]; then
  startup_runs=5; out=${OUT:-benchmarks/results-quick.md}; mode="QUICK mode (few iterations: not reference figures)"
else
  startup_runs=20; out=${OUT:-benchmarks/results.md}; mode="full"
fi
command_line="$( [ -n "$quick" ] && printf 'QUICK=1 ')$( [ -n "$rows" ] && printf 'ROWS=%s ' "$rows")benchmarks/run.sh"
work=$root/sample-apps/target/benchmark
t_start=$(date +%s)
say() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

say "building (mvn -B -q -o package -DskipTests)"
mvn -B -q -o package -DskipTests || { echo "build failed" >&2; exit 1; }
agent=agent/target/lifeline-agent.jar
mkdir -p "$work"
rm -f "$work"/row-*.md "$work"/detail-*.md "$work"/startup-*.txt

# ---- row 1: start-up, on the default JDK (the goal) and on JDK 25 where installed
java17_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jdk_homes=("$java17_home")
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && jdk_homes+=(/usr/lib/jvm/temurin-25-jdk-amd64)
: > "$work/row-1.md"
# Lifeline on its defaults (no argument: it defers its start to the first SSH class) and given a file, as a fleet runs it
printf 'keepalive.interval=30s\nexec.timeout=10m\n' > "$work/lifeline.properties"
i=0
for home in "${jdk_homes[@]}"; do
  for arg in "" "$work/lifeline.properties"; do
  i=$((i + 1))
  say "row 1: start-up, $startup_runs interleaved runs each, $home, Lifeline argument: ${arg:-none}"
  AGENT_ARG="$arg" benchmarks/startup.sh "$startup_runs" "$home" | tee "$work/startup-$i.txt"
  awk -v runs="$startup_runs" -v home="$home" -v arg="$( [ -n "$arg" ] && echo 'a configuration file (2 settings)' || echo 'no argument')" '
    /^JVM:/ { sub(/^JVM: /, ""); sub(/ +runs:.*/, ""); jvm = $0 }
    /^no agent \(median\)/ { none = $(NF-1) }
    /^no-op agent \(median\)/ { noop = $(NF-1) }
    /^Lifeline \(median\)/ { life = $(NF-1) }
    END {
      r = life / noop
      printf "| 1 | JVM start-up, hello world, %s, Lifeline given %s: no agent / no-op agent / Lifeline, medians of %d interleaved runs | %s ms / %s ms | %s ms | %.2f× of the no-op agent (%.2f× of no agent) | ≤ 1.05× of the no-op agent (issue 14) | %s |\n",
        jvm, arg, runs, none, noop, life, r, life / none, (r <= 1.05 ? "met" : "**missed**")
    }' "$work/startup-$i.txt" >> "$work/row-1.md"
  done
done

# ---- rows 2-7 and 9: the suite; row 2 also measures the no-op agent (the floor any -javaagent pays)
say "rows 2-7, 9: BenchmarkSuite (sample-apps), ${rows:-all rows}"
mkdir -p "$work/noop-classes"
javac -d "$work/noop-classes" benchmarks/noop-agent/NoopAgent.java
printf 'Premain-Class: NoopAgent\nCan-Retransform-Classes: true\n' > "$work/noop-manifest"
jar cfm "$work/noop-agent.jar" "$work/noop-manifest" -C "$work/noop-classes" .
mvn -B -o -pl sample-apps surefire:test -Dtest=BenchmarkSuite -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlifeline.bench=true -Dlifeline.bench.noop="$work/noop-agent.jar" -Dlifeline.bench.out="$work" ${quick:+-Dlifeline.bench.quick=true} ${rows:+-Dlifeline.bench.rows=$rows} \
  2>&1 | tee "$work/suite.log" | grep --line-buffered -E '^\[benchmark|Tests run:|FAIL|ERROR'
suite_rc=${PIPESTATUS[0]}

# ---- row 8: the jar
jar_bytes=$(stat -c %s "$agent")
printf '| 8 | agent jar (`%s`, ByteBuddy'"'"'s ASM core relocated inside) | | %s | %.0f KB | ≤ 600 KB | %s |\n' "$agent" "$jar_bytes bytes" \
  "$(awk -v b="$jar_bytes" 'BEGIN { print b / 1024 }')" "$( [ "$jar_bytes" -le 614400 ] && echo met || echo '**missed**')" > "$work/row-8.md"

# ---- results.md
elapsed=$(( $(date +%s) - t_start ))
{
  echo "# Lifeline benchmark results"
  echo
  echo "Written by \`benchmarks/run.sh\`; every ratio compares runs of this same run, with and without the agent, interleaved."
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- command: \`$command_line\` ($mode), took $((elapsed / 60)) min $((elapsed % 60)) s"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- agent sample-apps benchmarks ':!benchmarks/results*.md' 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- JDK: $(java -version 2>&1 | head -1) (the build, the suite and every forked app; row 1 also on JDK 25)"
  echo "- nproc: $(nproc); machine: $(uname -srm); CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1); RAM: $(free -g | awk '/^Mem:/ { print $2 " GB" }')"
  echo "- load average when done: $(cut -d' ' -f1-3 /proc/loadavg) (the CPU may be shared: other work running at the same time shows as noise)"
  echo "- libraries: JSch com.github.mwiede 2.28.8, Apache MINA SSHD 2.20.0; rows 2, 3 and 7 also Jenkins' Trilead fork build217-jenkins-8 (Debian's package) and Ganymed SSH-2 262; server: OpenSSH $(ssh -V 2>&1 | cut -d, -f1 | sed 's/^OpenSSH_//') on loopback, or an in-process MINA server (diffie-hellman-group14-sha1 added last for Trilead and Ganymed)"
  [ "$suite_rc" = 0 ] || echo "- **the suite failed** (exit $suite_rc): rows missing below; see sample-apps/target/benchmark/suite.log"
  echo
  echo "| # | benchmark | without agent | with Lifeline | result | goal | |"
  echo "|---|---|---|---|---|---|---|"
  for n in 1 2 3 4 5 6 7 8 9; do
    if [ -s "$work/row-$n.md" ]; then cat "$work/row-$n.md"; else echo "| $n | not measured in this run | | | | | |"; fi
  done
  echo
  echo "Ratios: with / without (times: lower is better; throughputs: higher is better). Times as min / **median** / max."
  echo
  echo "## Every run"
  echo
  for i in $(seq ${#jdk_homes[@]}); do
    echo "### 1. Start-up (\`benchmarks/startup.sh $startup_runs ${jdk_homes[$((i - 1))]}\`)"
    echo
    echo '```'
    cat "$work/startup-$i.txt"
    echo '```'
    echo
  done
  for n in 2 3 4 5 6 7 9; do
    [ -s "$work/detail-$n.md" ] && { cat "$work/detail-$n.md"; echo; }
  done
} > "$out"

echo
sed -n '/^| # |/,/^$/p' "$out"
say "written: $out (suite exit $suite_rc, $((elapsed / 60)) min $((elapsed % 60)) s)"
exit "$suite_rc"
