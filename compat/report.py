#!/usr/bin/env python3
"""compat/run.sh's helper.

  report.py versions PARENT_POM        maven -D flags: MINA's own slf4j, logback and JSch versions for that release
  report.py compare RUNS EXPECTED      the table; exit 1 when a test passes without the agent and fails with it
"""
import collections
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def versions(pom):
    flags = []
    try:
        text = open(pom, encoding="utf-8").read()
    except OSError:
        return ""
    for prop in ("slf4j.version", "logback.version"):
        m = re.search(r"<%s>([^<]+)</%s>" % (re.escape(prop), re.escape(prop)), text)
        if m:
            flags.append("-D%s=%s" % (prop, m.group(1)))
    m = re.search(r"<artifactId>jsch</artifactId>\s*<version>([^<$]+)</version>", text)
    if m:
        flags.append("-Djsch.version=%s" % m.group(1))
    return " ".join(flags)


# A failure whose stack trace runs through one of Lifeline's deadlines: the deadline fired in that test.
DEADLINE_FRAMES = (
    ("dev.lifeline.sshd.SshdConnectDeadline", "connect.timeout fired before the session authenticated (in the trace)"),
    ("dev.lifeline.enforce.ExecDeadline", "exec.timeout fired (in the trace)"),
    ("dev.lifeline.enforce.CloseDeadline", "close.timeout fired (in the trace)"),
)


def traces(run_dir):
    """test id -> the text of its failure or error."""
    out = {}
    for f in glob.glob(os.path.join(run_dir, "TEST-*.xml")):
        for case in ET.parse(f).getroot().iter("testcase"):
            cls = case.get("classname", "").replace("org.apache.sshd.", "")
            test = "%s.%s" % (cls, case.get("name") or "(class)")
            for kind in ("failure", "error"):
                e = case.find(kind)
                if e is not None:
                    out[test] = (e.text or "") + (e.get("message") or "")
    return out


# run directory -> tests that failed their first try and passed their second (surefire's rerun)
FLAKY = {}


def statuses(run_dir):
    """test id -> pass | fail | skip, from surefire's XML reports."""
    out = {}
    for f in glob.glob(os.path.join(run_dir, "TEST-*.xml")):
        for case in ET.parse(f).getroot().iter("testcase"):
            cls = case.get("classname", "").replace("org.apache.sshd.", "")
            test = "%s.%s" % (cls, case.get("name") or "(class)")
            if case.find("failure") is not None or case.find("error") is not None:
                out[test] = "fail"
            elif case.find("flakyFailure") is not None or case.find("flakyError") is not None:
                out[test] = "pass"
                FLAKY.setdefault(run_dir, []).append(test)
            elif case.find("skipped") is not None:
                out[test] = "skip"
            else:
                out[test] = "pass"
    return out


def lifeline_lines(run_dir):
    """Lifeline's own log (log.file) per level, and the warn/error events."""
    levels = collections.Counter()
    warnings = collections.Counter()
    path = os.path.join(run_dir, "lifeline.log")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8", errors="replace"):
            lv = re.search(r"level=(\w+)", line)
            ev = re.search(r"event=(\S+)", line)
            if lv:
                levels[lv.group(1)] += 1
                if lv.group(1) in ("warn", "error") and ev:
                    warnings[ev.group(1)] += 1
    return levels, warnings


def app_log_mentions(run_dir):
    """Lines of the tests' own output (MINA's log) that name Lifeline: what the agent made the application log."""
    n = 0
    for f in glob.glob(os.path.join(run_dir, "*-output.txt")):
        for line in open(f, encoding="utf-8", errors="replace"):
            if "lifeline" in line.lower():
                n += 1
    return n


def expected(path):
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                test, _, why = line.partition(" ")
                out[test] = why.strip()
    return out


def compare(runs, expected_path):
    explained = expected(expected_path)
    rows, diffs, bad = [], [], 0
    for version in sorted(os.listdir(runs)):
        vdir = os.path.join(runs, version)
        base = statuses(os.path.join(vdir, "none")) if os.path.isdir(os.path.join(vdir, "none")) else None
        for mode in ("none", "fill", "enforce", "short"):
            d = os.path.join(vdir, mode)
            if not os.path.isdir(d):
                continue
            st = statuses(d)
            tr = traces(d)
            c = collections.Counter(st.values())
            secs = open(os.path.join(d, "seconds")).read().strip() if os.path.exists(os.path.join(d, "seconds")) else "?"
            levels, warnings = lifeline_lines(d)
            verdict = "baseline"
            if mode != "none" and base is not None:
                changed = sorted(t for t in set(base) | set(st) if base.get(t) != st.get(t))
                unexplained = regressions = 0
                for t in changed:
                    was, now = base.get(t, "absent"), st.get(t, "absent")
                    regression = was == "pass" and now != "pass"
                    why = None
                    if mode == "short":
                        # the evidence in the trace first, then the list
                        why = next((w for frame, w in DEADLINE_FRAMES if frame in tr.get(t, "")), None) or explained.get(t)
                    if regression:
                        regressions += 1
                        unexplained += 0 if why else 1
                    else:
                        why = "not a regression: it does not pass without the agent"
                    diffs.append((version, mode, t, was, now, why or "REGRESSION"))
                bad += unexplained
                if not changed:
                    verdict = "identical"
                elif not regressions:
                    verdict = "%d differ%s, none pass->fail" % (len(changed), "s" if len(changed) == 1 else "")
                else:
                    verdict = "%d pass->fail, %s" % (regressions, "%d UNEXPLAINED" % unexplained if unexplained else "all explained")
                    if len(changed) > regressions:
                        verdict += ", %d other" % (len(changed) - regressions)
            warn = ",".join("%s x%d" % kv for kv in sorted(warnings.items())) or "-"
            rows.append((version, mode, str(len(st)), str(c["pass"]), str(c["fail"]), str(c["skip"]), verdict, secs,
                         str(sum(levels.values())) if mode != "none" else "-", warn if mode != "none" else "-",
                         str(app_log_mentions(d))))
    head = ("MINA", "run", "tests", "pass", "fail", "skip", "per test vs no agent", "seconds", "Lifeline lines",
            "Lifeline warn/error", "app log naming Lifeline")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(v.ljust(widths[i]) for i, v in enumerate(r)).rstrip())
    if diffs:
        print()
        print("differences (test: without agent -> with agent):")
        for version, mode, t, was, now, why in diffs:
            print("  %s %-7s %s: %s -> %s%s" % (version, mode, t, was, now, "  [%s]" % why if why else ""))
    flaky = [(os.path.relpath(d, runs), t) for d, ts in sorted(FLAKY.items()) for t in ts]
    if flaky:
        print()
        print("passed on the second try (failed the first, in the same JVM; counted as passed):")
        for run, t in flaky:
            print("  %s %s" % (run.replace(os.sep, " "), t))
    print()
    print("gate: %s" % ("FAILED: %d test(s) pass without the agent and fail with it" % bad if bad else
                        "passed: no test that passes without the agent fails with it"))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "versions":
        print(versions(sys.argv[2]))
    elif sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
