"""PG-7: render processes take turns in the machine's render slots, so a core stays free."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

from webinar import pdf


def _hold_slot(ready) -> None:
    with pdf._render_slot(poll_seconds=0.01):
        ready.set()
        time.sleep(10)  # until killed


def test_a_second_render_waits_until_the_first_leaves_the_only_slot(monkeypatch):
    """On a two-core machine there is one slot: does a render wait while another process holds
    it, go ahead once it is free, and get it back when the holder dies without letting go?"""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    holder = context.Process(target=_hold_slot, args=(ready,))
    holder.start()
    try:
        assert ready.wait(10)
        entered = []

        def try_render():
            with pdf._render_slot(poll_seconds=0.01):
                entered.append(time.monotonic())

        started = time.monotonic()
        waiter = threading.Thread(target=try_render)
        waiter.start()
        time.sleep(0.3)
        assert entered == []  # still waiting for the slot
        holder.kill()  # dies holding it: the kernel frees the lock
        waiter.join(5)
        assert entered and entered[0] - started >= 0.3
    finally:
        holder.kill()
        holder.join(5)


def test_slot_locks_live_in_a_private_folder_under_unguessable_names(tmp_path):
    """Are the lock files in the app's own 0700 folder, named from the installation's secret?"""
    slots = pdf.slots_for({"SECRET_KEY": "k1"}, str(tmp_path))
    with pdf._render_slot(slots=slots):
        (lock,) = (tmp_path / "render-locks").iterdir()
    assert (tmp_path / "render-locks").stat().st_mode & 0o777 == 0o700
    assert "k1" not in lock.name and lock.name.startswith("slot-0-")
    assert pdf.slots_for({"SECRET_KEY": "k2"}, str(tmp_path)).path(0) != lock
    assert pdf.slots_for({"SECRET_KEY": "k1"}, str(tmp_path)).path(0) == lock


def test_a_planted_link_as_lock_file_is_refused(tmp_path):
    """Is a symlink planted under a lock file's name refused (render unavailable), not followed?"""
    import pytest

    slots = pdf.slots_for({"SECRET_KEY": "k"}, str(tmp_path))
    (tmp_path / "render-locks").mkdir(mode=0o700)
    slots.path(0).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(pdf.RenderUnavailable), pdf._render_slot(slots=slots):
        pass
    assert not (tmp_path / "elsewhere").exists()
