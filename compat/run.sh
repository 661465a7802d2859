#!/usr/bin/env bash
# The compatibility gate: Apache MINA SSHD's own tests, as MINA publishes them compiled (sshd-core's reusable-tests
# jar), run unchanged without Lifeline and with it, and compared test by test. Exits 1 when a test that passes
# without the agent fails with it (in the short-deadline run: unless compat/expected-short.txt explains it).
#
#   compat/run.sh                       # default class list, MINA 2.14.0 and 2.19.0, four runs each
#   compat/run.sh --full                # the 22 client-side classes of issue 28, 145 tests (about 10 minutes a run here)
#   compat/run.sh --versions 2.14.0 --modes "none short"
#   compat/run.sh --classes "KeepAliveTest,ServerTest"
#
# Runs (the agent goes in through surefire's argLine; its own log to a file per run):
#   none     no agent
#   fill     mode=fill,keepalive.interval=15s
#   enforce  mode=enforce,exec.timeout=1h,close.timeout=30s
#   short    mode=enforce,keepalive.interval=1s,keepalive.countMax=3,connect.timeout=3s,exec.timeout=5s,close.timeout=2s
#            (deadlines short enough to fire inside the suite; its expected differences: compat/expected-short.txt)
# Not part of `mvn verify` nor .ci/run: a default run takes longer than CI's budget allows. It builds the agent first;
# Maven runs offline (-o): the first run on a machine needs --online once, to fetch the MINA test jars.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions="2.14.0 2.19.0"
modes="none fill enforce short"
default_classes="KeepAliveTest,ChannelExecTest,ClientDeadlockTest,ClientSessionListenerTest,StrictKexTest,AuthenticationTest,WindowTimeoutTest,org/apache/sshd/ProxyTest.java,ServerTest"
full_classes="KeepAliveTest,KeyReExchangeTest,LoadTest,ProxyTest,WindowAdjustTest,ClientTest,ClientDeadlockTest,ClientSessionListenerTest,ChannelExecTest,ClientSessionTest,SimpleSessionClientTest,AuthenticationTest,PasswordAuthenticationTest,PublicKeyAuthenticationTest,KeyboardInteractiveAuthenticationTest,HostBasedAuthenticationTest,SinglePublicKeyAuthTest,PortForwardingTest,StrictKexTest,ServerTest,WindowTimeoutTest"
classes=$default_classes
offline=-o
while [ $# -gt 0 ]; do
  case "$1" in
    --full) classes=$full_classes ;;
    --classes) classes=$2; shift ;;
    --versions) versions=$2; shift ;;
    --modes) modes=$2; shift ;;
    --online) offline= ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
say() { printf '[compat %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
agent_args() {
  case "$1" in
    none) echo "" ;;
    fill) echo "mode=fill,keepalive.interval=15s" ;;
    enforce) echo "mode=enforce,exec.timeout=1h,close.timeout=30s" ;;
    short) echo "mode=enforce,keepalive.interval=1s,keepalive.countMax=3,connect.timeout=3s,exec.timeout=5s,close.timeout=2s" ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}

say "building the agent (mvn -B -q $offline install -DskipTests)"
mvn -B -q $offline install -DskipTests || { echo "agent build failed" >&2; exit 1; }
out=$root/compat/target/runs$( [ "$classes" = "$full_classes" ] && echo -full)
rm -rf "$out"
mkdir -p "$out"
# a copy: a rebuild of agent/ while the gate runs does not change the agent under test
agent=$out/lifeline-agent.jar
cp agent/target/lifeline-agent.jar "$agent"
say "agent: $(unzip -p "$agent" META-INF/MANIFEST.MF | tr -d '\r' | grep -i '^Implementation-Version' || true) (commit $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- agent 2>/dev/null || echo ', with uncommitted changes'))"
t0=$(date +%s)
for v in $versions; do
  # MINA's own test dependency versions for this release, from its parent pom (resolved with the artifacts)
  mvn -B -q $offline -f compat/pom.xml dependency:resolve -Dsshd.version="$v" >/dev/null 2>&1 || true
  parent=$HOME/.m2/repository/org/apache/sshd/sshd/$v/sshd-$v.pom
  props=$(python3 compat/report.py versions "$parent")
  for m in $modes; do
    dir=$out/$v/$m
    mkdir -p "$dir"
    args=$(agent_args "$m")
    argline=
    if [ -n "$args" ]; then
      argline="-javaagent:$agent=$args,log.file=$dir/lifeline.log"
    fi
    say "MINA $v, $m${args:+ ($args)}"
    s=$(date +%s)
    # shellcheck disable=SC2086
    mvn -B -q $offline -f compat/pom.xml test -Dsshd.version="$v" $props -Dtest="$classes" -Dreports="$dir" \
        -DargLine="$argline" > "$dir/maven.log" 2>&1
    echo "$(( $(date +%s) - s ))" > "$dir/seconds"
    ls "$dir"/TEST-*.xml >/dev/null 2>&1 || { say "no test report for $v $m: see $dir/maven.log"; tail -20 "$dir/maven.log"; exit 1; }
  done
done
say "all runs: $(( $(date +%s) - t0 )) s"
python3 compat/report.py compare "$out" compat/expected-short.txt
