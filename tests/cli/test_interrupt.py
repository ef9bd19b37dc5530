"""Signals around :func:`interruptible`, delivered the ways the kernel delivers them.

Each case runs in its own interpreter: a ``KeyboardInterrupt`` that escapes is the failure, and
it must not escape into the test session. A process-directed signal is handed to any thread
that does not block it, so the late signals are also sent to a thread other than the main one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

_PRELUDE = """
import os, signal, threading, time
import anyio
from easyink_ext.cli._interrupt import interruptible

def other_thread():
    t = threading.Thread(target=time.sleep, args=(2,), daemon=True)
    t.start()
    return t

def to_thread(t, sig=signal.SIGINT):
    signal.pthread_kill(t.ident, sig)
"""


def _run(body: str) -> subprocess.CompletedProcess[str]:
    script = _PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_late_signals_on_another_thread_do_not_cut_the_summary() -> None:
    done = _run(
        """
        async def main():
            async def work():
                os.kill(os.getpid(), signal.SIGINT)
                await anyio.sleep(30)
            outcome = await interruptible(work, "stopping")
            assert outcome.stopped and outcome.signals == 1
            t = other_thread()
            for _ in range(3):
                to_thread(t)
                to_thread(t, signal.SIGTERM)
                await anyio.sleep(0.02)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)  # not awaiting: a handler would run between these bytecodes
            print("summary")
        anyio.run(main)
        print("exited cleanly")
        """
    )
    assert done.returncode == 0, done
    assert done.stdout.splitlines() == ["summary", "exited cleanly"]
    assert done.stderr == "easyink: interrupted: stopping\n"


def test_signals_during_the_cleanup_are_noted_and_the_cleanup_finishes() -> None:
    done = _run(
        """
        import easyink_ext.cli._interrupt as module
        noted = []
        note = module._still_stopping
        module._still_stopping = lambda: (note(), noted.append(1))

        async def seen(count):
            with anyio.fail_after(20):  # the watcher's turn, however loaded the machine
                while len(noted) < count:
                    await anyio.sleep(0.01)

        async def main():
            async def work():
                try:
                    await anyio.sleep(30)
                finally:
                    with anyio.CancelScope(shield=True):
                        t = other_thread()
                        to_thread(t)
                        await seen(1)
                        to_thread(t, signal.SIGTERM)
                        await seen(2)
                        print("cleanup finished")
            t = other_thread()
            async with anyio.create_task_group() as tg:
                tg.start_soon(anyio.to_thread.run_sync, to_thread, t)
                outcome = await interruptible(work, "stopping")
            print(outcome.signals)
        anyio.run(main)
        """
    )
    assert done.returncode == 0, done
    assert done.stdout.splitlines() == ["cleanup finished", "3"]
    assert done.stderr.splitlines() == [
        "easyink: interrupted: stopping",
        "easyink: still stopping (the cleanup is bounded); please wait",
        "easyink: still stopping (the cleanup is bounded); please wait",
    ]


def test_work_that_finishes_gets_the_previous_handling_back() -> None:
    done = _run(
        """
        seen = []
        async def main():
            signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
            before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]
            fd_before = signal.set_wakeup_fd(-1); signal.set_wakeup_fd(fd_before)
            async def work():
                return 42
            outcome = await interruptible(work, "stopping")
            assert (outcome.value, outcome.stopped) == (42, False)
            assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == before
            assert signal.set_wakeup_fd(-1) == fd_before
            signal.set_wakeup_fd(fd_before)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
        anyio.run(main)
        print("the previous handler had", seen)
        """
    )
    assert done.returncode == 0, done
    assert done.stdout.strip() == "the previous handler had [2]"
    assert done.stderr == ""


def test_errors_pass_through_and_outside_the_main_thread_work_just_runs() -> None:
    done = _run(
        """
        async def fails():
            raise LookupError("as it is")

        async def main():
            try:
                await interruptible(fails, "stopping")
            except LookupError as exc:
                print(exc)
            assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN

        anyio.run(main)

        async def work():
            return "ran"

        result = []
        t = threading.Thread(target=lambda: result.append(anyio.run(interruptible, work, "s")))
        t.start(); t.join()
        print(result[0].value, result[0].stopped)
        """
    )
    assert done.returncode == 0, done
    assert done.stdout.splitlines() == ["as it is", "ran False"]
