"""The Ledger protocol, the same for the memory, SQLite and PostgreSQL ledgers."""

from __future__ import annotations

import anyio
import pytest

from easyink_ext.ledger import Ledger, LedgerError, PostgresLedger, SQLiteLedger, redact_dsn

ROWS = [(f"row {n}", f"digest {n}", n, f"Subject {n}") for n in range(20)]
KEYS = [row[0] for row in ROWS]
LONG = 600.0  # a lease that cannot expire during a test
GONE = 0.001  # a lease that has expired once the next statement runs


async def _expire() -> None:
    await anyio.sleep(0.05)


async def test_register_adds_missing_rows_and_leaves_known_ones(ledger: Ledger) -> None:
    await ledger.register(ROWS[:2])
    await ledger.register([("row 0", "changed", 9, None), ROWS[2]])
    records = await ledger.records([*KEYS[:3], "absent"])
    assert set(records) == set(KEYS[:3])
    assert records["row 0"].digest == "digest 0" and records["row 0"].position == 0
    assert records["row 0"].hint == "Subject 0"
    assert {r.state for r in records.values()} == {"pending"}


async def test_a_claim_can_go_straight_to_sending(ledger: Ledger) -> None:
    await ledger.register(ROWS[:1])
    begin = {"state": "sending", "step": "begin", "since": 12.5}
    record = await ledger.claim(KEYS, "w1", LONG, changes=begin)
    assert record is not None
    assert (record.state, record.step, record.since, record.worker, record.live) == (
        "sending",
        "begin",
        12.5,
        "w1",
        True,
    )
    with pytest.raises(ValueError, match="unknown ledger fields"):
        await ledger.claim(KEYS, "w1", LONG, changes={"worker": "w2"})


async def test_claims_follow_positions_and_never_repeat(ledger: Ledger) -> None:
    await ledger.register(ROWS)
    first = await ledger.claim(["row 5", "row 3"], "w1", LONG)
    assert first is not None and first.key == "row 3"  # the lowest position of those keys
    first = await ledger.claim(["row 5", "row 3"], "w1", LONG)
    assert first is not None and first.key == "row 5"
    assert (first.state, first.worker, first.live) == ("claimed", "w1", True)
    claimed: list[str] = []

    async def claimer(worker: str) -> None:
        while (record := await ledger.claim(KEYS, worker, LONG)) is not None:
            claimed.append(record.key)

    async with anyio.create_task_group() as tg:
        for n in range(6):
            tg.start_soon(claimer, f"w{n + 2}")
    assert sorted(claimed) == sorted(k for k in KEYS if k not in ("row 3", "row 5"))


async def test_an_expired_claim_is_taken_but_a_sending_row_never_is(ledger: Ledger) -> None:
    await ledger.register(ROWS[:2])
    assert await ledger.claim(["row 0"], "dead", GONE) is not None
    assert await ledger.claim(["row 1"], "dead", GONE) is not None
    assert await ledger.update("row 1", "dead", {"state": "sending", "step": "begin"})
    await _expire()
    taken = await ledger.claim(["row 1", "row 0"], "alive", LONG)
    assert taken is not None and (taken.key, taken.worker) == ("row 0", "alive")
    assert await ledger.claim(["row 1"], "alive", LONG) is None
    assert not await ledger.update("row 0", "dead", {"state": "sending"})  # lost its claim


async def test_stale_claims_take_only_rows_that_need_reconciling(ledger: Ledger) -> None:
    await ledger.register(ROWS[:6])
    states = {
        "row 0": ({"state": "sending", "draft_id": "d0"}, GONE),  # worker died while sending
        "row 1": ({"state": "sending"}, LONG),  # still being sent
        "row 2": ({"state": "unknown", "draft_id": "d2"}, LONG),
        "row 3": ({"state": "failed", "clean": False}, LONG),
        "row 4": ({"state": "failed", "clean": True}, LONG),
        "row 5": ({"state": "started", "session_id": "s5"}, LONG),
    }
    for key, (changes, lease) in states.items():
        assert await ledger.claim([key], "w1", lease) is not None
        assert await ledger.update(key, "w1", changes)
    await _expire()
    records = await ledger.records(KEYS[:6])
    assert [records[k].stale for k in KEYS[:6]] == [True, False, True, True, False, False]
    taken = []
    while (record := await ledger.claim(KEYS[:6], "fixer", LONG, stale=True)) is not None:
        assert (record.state, record.step, record.worker) == ("sending", "reconcile", "fixer")
        taken.append((record.key, record.draft_id))
    assert taken == [("row 0", "d0"), ("row 2", "d2"), ("row 3", None)]
    assert await ledger.claim(KEYS[:6], "w2", LONG) is None  # none is claimable to send


async def test_updates_need_the_holder_and_final_states_release_it(ledger: Ledger) -> None:
    await ledger.register(ROWS[:1])
    assert not await ledger.update("row 0", "w1", {"step": "x"})  # not claimed yet
    assert await ledger.claim(KEYS[:1], "w1", LONG) is not None
    assert not await ledger.update("row 0", "w2", {"step": "x"})
    assert await ledger.update("row 0", "w1", {"state": "sending", "hint": "Lease 7"})
    assert await ledger.update("row 0", "w1", {"state": "started", "session_id": "s"})
    assert not await ledger.update("row 0", "w1", {"state": "failed"})
    record = (await ledger.records(KEYS[:1]))["row 0"]
    assert (record.state, record.session_id, record.hint, record.live) == (
        "started",
        "s",
        "Lease 7",
        False,
    )
    with pytest.raises(ValueError, match="unknown ledger fields"):
        await ledger.update("row 0", "w1", {"worker": "me"})


async def test_reset_only_when_nothing_can_be_on_the_server(ledger: Ledger) -> None:
    await ledger.register(ROWS[:3])
    assert await ledger.reset("row 0", "new", "New subject")  # pending: content may change
    for key, changes in (("row 1", {"clean": True}), ("row 2", {"clean": False})):
        assert await ledger.claim([key], "w", LONG) is not None
        assert await ledger.update(key, "w", {"state": "failed", "error": "boom", **changes})
    assert not await ledger.reset("row 0", "newer", failed_only=True)
    assert await ledger.reset("row 1", "digest 1", failed_only=True)
    assert not await ledger.reset("row 2", "digest 2")
    records = await ledger.records(KEYS[:3])
    assert [(r.state, r.digest, r.error, r.hint) for r in map(records.get, KEYS[:3]) if r] == [
        ("pending", "new", None, "New subject"),
        ("pending", "digest 1", None, None),
        ("failed", "digest 2", "boom", "Subject 2"),
    ]


async def test_heartbeat_extends_leases_and_counts_live_workers(ledger: Ledger) -> None:
    await ledger.register(ROWS[:2])
    assert await ledger.heartbeat("w1", LONG) == 1
    assert await ledger.claim(["row 0"], "w1", GONE) is not None
    assert await ledger.heartbeat("w1", LONG) == 1
    assert await ledger.heartbeat("w2", LONG) == 2
    await _expire()
    assert (await ledger.records(["row 0"]))["row 0"].live  # extended by the heartbeat
    assert await ledger.heartbeat("w3", GONE) == 3
    await _expire()
    assert await ledger.heartbeat("w1", LONG) == 2  # w3 stopped beating


async def test_share_rate_returns_the_live_workers_rates(ledger: Ledger) -> None:
    share = ledger.share_rate  # type: ignore[attr-defined]
    await ledger.heartbeat("w1", LONG)
    await ledger.heartbeat("w2", LONG)
    assert await share("w1", 12.5) == [12.5]
    assert sorted(await share("w2", 30.0)) == [12.5, 30.0]
    assert sorted(await share("w1", 10.0)) == [10.0, 30.0]  # replaced, not added
    await ledger.heartbeat("w3", GONE)
    await share("w3", 99.0)
    await _expire()
    assert sorted(await share("w2", 30.0)) == [10.0, 30.0]  # w3 stopped beating
    await ledger.release("w1")
    assert await share("w2", 31.0) == [31.0]


async def test_release_gives_back_claimed_rows_only(ledger: Ledger) -> None:
    await ledger.register(ROWS[:2])
    assert await ledger.claim(["row 0"], "w1", LONG) is not None
    assert await ledger.claim(["row 1"], "w1", LONG) is not None
    assert await ledger.update("row 1", "w1", {"state": "sending"})
    await ledger.heartbeat("w1", LONG)
    await ledger.release("w1")
    records = await ledger.records(KEYS[:2])
    assert (records["row 0"].state, records["row 0"].worker) == ("pending", None)
    assert records["row 1"].state == "sending"
    assert await ledger.heartbeat("w2", LONG) == 1


async def test_two_sqlite_connections_share_one_file(tmp_path: anyio.Path) -> None:
    path = str(tmp_path) + "/shared.sqlite"
    one, two = SQLiteLedger(path), SQLiteLedger(path)
    await one.open()
    await two.open()
    try:
        await one.register(ROWS)
        claimed: list[str] = []

        async def claimer(ledger: Ledger, worker: str) -> None:
            while (record := await ledger.claim(KEYS, worker, LONG)) is not None:
                claimed.append(record.key)

        async with anyio.create_task_group() as tg:
            for n, opened in enumerate((one, two, one, two)):
                tg.start_soon(claimer, opened, f"w{n}")
        assert sorted(claimed) == sorted(KEYS)
    finally:
        await one.aclose()
        await two.aclose()


async def test_unusable_sqlite_path_is_a_ledger_error(tmp_path: anyio.Path) -> None:
    with pytest.raises(LedgerError, match="cannot open ledger"):
        await SQLiteLedger(str(tmp_path) + "/missing/dir/ledger.sqlite").open()


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        ("postgresql://bob:s3cret@db.example/x", "postgresql://[REDACTED]@db.example/x"),
        ("postgres://db.example/x?password=s3cret", "postgres://db.example/x?password=[REDACTED]"),
        ("host=db password=s3cret user=bob", "host=db password=[REDACTED] user=bob"),
    ],
)
def test_dsn_passwords_are_redacted(dsn: str, shown: str) -> None:
    assert redact_dsn(dsn) == shown


async def test_an_unreachable_database_is_a_ledger_error_without_the_password() -> None:
    ledger = PostgresLedger("postgresql://batch:s3cret-pw@127.0.0.1:1/easyink?connect_timeout=2")
    assert "s3cret-pw" not in repr(ledger)
    with pytest.raises(LedgerError, match="cannot open ledger") as caught:
        await ledger.open()
    assert "s3cret-pw" not in str(caught.value)
