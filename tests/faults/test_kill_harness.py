"""Kill a writer at random moments: every answer it acknowledged is there afterwards,
and the file is whole (integrity, foreign keys, the search index).

A child process (forked, so that it starts in milliseconds) saves answers through the
store and acknowledges each one on a pipe once the store has returned; the parent
kills it with SIGKILL at a random moment and checks the database, 100 times: in the
open, between saves or mid-way into one (200 took most of a minute of a loaded run).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from conference_tui.store import Store
from conference_tui.store.records import AnswerEdit

KILLS = 100
FIELDS = ("piece_title", "purpose", "plan", "strength", "teaching_point")


def writer(path: str, conference_id: str, start: int, acks: Connection) -> None:
    store = Store.open(path)
    number = start
    while True:
        field = FIELDS[number % len(FIELDS)]
        value = f"answer {number} " + "words " * (number % 40)
        store.save_answers(conference_id, [AnswerEdit("clarify", field, value, False)])
        acks.send((field, value, number))
        number += 1


def check_whole(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        connection.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    connection.close()


@pytest.mark.slow
def test_a_hundred_kills_lose_no_acknowledged_answer(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    store = Store.open(str(path))
    school_class = store.add_class("7B")
    student = store.add_student(school_class.id, "Ana Lopez")
    conference_id = store.start_conference(student.id, "writing-conference", 1, "clarify").id
    store.close()
    fork = multiprocessing.get_context("fork")
    rng = random.Random(20261130)
    acknowledged: dict[str, tuple[str, int]] = {}
    number = 0
    for _ in range(KILLS):
        receiving, sending = fork.Pipe(duplex=False)
        child = fork.Process(target=writer, args=(str(path), conference_id, number, sending))
        child.start()
        sending.close()
        # Kill after a random number of acknowledged saves (0 to 5), or mid-way into one.
        for _ack in range(rng.randint(0, 5)):
            if not receiving.poll(5):
                break
            field, value, number = receiving.recv()
            acknowledged[field] = (value, number)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        while receiving.poll():  # acknowledged before the kill landed
            try:
                field, value, number = receiving.recv()
            except EOFError:
                break
            acknowledged[field] = (value, number)
        receiving.close()
        number += 1
        # close() drops the store's connections but keeps its engine and the queries it
        # compiled: each round reads through a new connection that opens the file as the
        # kill left it, and none is open while the next child writes.
        try:
            answers = store.get_conference(conference_id).answers
        finally:
            store.close()
        for field, (value, written) in acknowledged.items():
            # The newest acknowledged text, or a newer one the kill cut short of its ack.
            saved = answers[field].value
            assert saved == value or int(saved.split()[1]) > written, (field, saved, value)
        check_whole(path)
    assert len(acknowledged) == len(FIELDS)
