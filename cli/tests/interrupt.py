"""A run stopped by a signal at a random moment leaves nothing behind.

    interrupt.py SHMCHECK IMPL [--trials N] [--seed S] [--signals INT,TERM,KILL] [--case CASE]
    interrupt.py SHMCHECK --audit ABIS [...]

Each trial starts `shmcheck stress --impl IMPL` (every stress and lifetime case at CI size, or
one --case), or with --audit `shmcheck audit --abi ABIS`, sends one of the signals after a
random delay, and then checks:
- no process it started is alive 5 s later (every descendant carries a marker in its
  environment, setsid() or not);
- no /dev/shm entry named with one of its prefixes (shmcheck-<its pid>-...) is left;
- no System V shared-memory segment is left that was not there before the trial (the host's
  /proc/sysvipc/shm: an isolated driver's would have gone with its IPC namespace);
- for SIGINT and SIGTERM: exit status 128 + signal, results.json is valid JSON, says
  `interrupted` and has a `broken` result whose message says so (unless the run had already
  finished: then exit 0, counted apart; or the signal fell between two cases, when none was
  under way to be cut short, or before shmcheck had installed its handlers, when it dies of
  the signal having written nothing: counted apart too).
Prints one line per trial and a summary; exit status 1 when any trial left something.
Standard library only.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

SIGNALS = {'INT': signal.SIGINT, 'TERM': signal.SIGTERM, 'KILL': signal.SIGKILL}


def marked_processes(mark):
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/environ' % pid, 'rb') as f:
                if mark in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def sysv_segments():
    try:
        with open('/proc/sysvipc/shm') as f:
            return {line.split()[1] for line in list(f)[1:] if line.strip()}
    except OSError:
        return set()


def trial(shmcheck, impl, case, sig, delay, workdir):
    segments_before = sysv_segments()
    mark = ('SHMCHECK_TEST_MARK=%d-%f' % (os.getpid(), time.time())).encode()
    env = dict(os.environ)
    env['SHMCHECK_TEST_MARK'] = mark.decode().split('=', 1)[1]
    out = os.path.join(workdir, 'results-%d.json' % int(time.time() * 1e6))
    if impl.startswith('audit:'):
        cmd = [shmcheck, 'audit', '--abi', impl[len('audit:'):], '--json', out]
    else:
        cmd = [shmcheck, 'stress', '--impl', impl, '--size', 'ci', '--seed', '1', '--json', out]
    if case != 'all':
        cmd += ['--case', case]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        return ['did not stop within 120 s of the signal'], 'hung'
    problems = []
    for _ in range(50):
        alive = marked_processes(mark)
        if not alive:
            break
        time.sleep(0.1)
    if alive:
        problems.append('still alive 5 s later: %s' % alive)
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    prefix = 'shmcheck-%d-' % p.pid
    left = sorted(n for n in os.listdir('/dev/shm') if n.startswith(prefix) or n.startswith('sem.' + prefix))
    if left:
        problems.append('left in /dev/shm: %s' % left)
        for n in left:
            try:
                os.unlink('/dev/shm/' + n)
            except OSError:
                pass
    new_segments = sorted(sysv_segments() - segments_before)
    if new_segments:
        problems.append('System V segments left: shmid %s' % ', '.join(new_segments))
    rc = p.returncode
    if sig == signal.SIGKILL:
        if rc == 0:
            return problems, 'finished first'
        if rc != -signal.SIGKILL:
            problems.append('exit %s, not killed' % rc)
        return problems, 'killed'
    if rc == 0:
        return problems, 'finished first'
    if rc == -sig and not os.path.exists(out):
        # Before main() installed its handlers (a sanitizer's start-up can take that long):
        # the default action, with nothing started and nothing written.
        return problems, 'stopped before it began'
    if rc != 128 + sig:
        problems.append('exit status %s, not %d: %s' % (rc, 128 + sig, err.decode(errors='replace')[-500:]))
    try:
        with open(out) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        problems.append('results unreadable: %s' % e)
        return problems, 'interrupted'
    name = signal.Signals(sig).name
    if doc.get('run', {}).get('interrupted') != 'interrupted by ' + name:
        problems.append('results do not say interrupted by %s: %r' % (name, doc.get('run')))
    if not any(r.get('verdict') == 'broken' and 'interrupted' in r.get('message', '') for r in doc.get('results', [])):
        # The signal fell between two cases (after one was recorded, before the next began) or
        # before the first: no case was under way to be cut short, so none is broken, and
        # nothing was started after it.
        if doc.get('run', {}).get('running'):
            problems.append('a case was running and is not recorded broken: %r' % doc['run']['running'])
        return problems, 'interrupted between cases'
    return problems, 'interrupted'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shmcheck')
    ap.add_argument('impl', nargs='?', help='the implementation whose stress run is stopped')
    ap.add_argument('--audit', metavar='ABIS', help='stop `shmcheck audit --abi ABIS` instead')
    ap.add_argument('--trials', type=int, default=6)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--signals', default='INT,TERM,KILL')
    ap.add_argument('--case', default='all', help="one case id, or 'all' (the whole stress suite, ring-mpmc included)")
    ap.add_argument('--min-delay', type=float, default=0.2)
    ap.add_argument('--max-delay', type=float, default=8.0)
    a = ap.parse_args()
    if bool(a.impl) == bool(a.audit):
        ap.error('give an implementation or --audit ABIS, one of the two')
    subject = a.impl or 'audit:' + a.audit
    rng = random.Random(a.seed)
    sigs = [SIGNALS[s] for s in a.signals.split(',')]
    failed = 0
    how = {}
    with tempfile.TemporaryDirectory(prefix='shmcheck-interrupt-') as workdir:
        for k in range(a.trials):
            sig = sigs[k % len(sigs)]
            delay = rng.uniform(a.min_delay, a.max_delay)
            problems, ending = trial(a.shmcheck, subject, a.case, sig, delay, workdir)
            how[ending] = how.get(ending, 0) + 1
            failed += bool(problems)
            print('trial %d: SIG%s after %.2f s: %s%s' % (k + 1, signal.Signals(sig).name[3:], delay, ending,
                                                         ': ' + '; '.join(problems) if problems else ', nothing left'))
    print('%d of %d trials left something behind (%s; seed %d)' % (failed, a.trials,
          ', '.join('%d %s' % (n, e) for e, n in sorted(how.items())), a.seed))
    # A signal lands between two cases only in a short window; when none of the SIGINT and
    # SIGTERM trials cut a case short, the run did not stop the case under way (it finished
    # it, and likely the rest, before stopping).
    stoppable = how.get('interrupted', 0) + how.get('interrupted between cases', 0)
    if stoppable >= 3 and how.get('interrupted', 0) == 0:
        print('no SIGINT or SIGTERM trial cut a case short: the case under way is not stopped')
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
