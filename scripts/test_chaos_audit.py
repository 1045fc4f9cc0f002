#!/usr/bin/env python3
"""Unit tests of the chaos audits' own rules (scripts/chaos_audit.py), run by scripts/test-run: an
audit that passes what it should catch would hide the losses the chaos tests exist to find."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chaos_audit import reminder_violations  # noqa: E402

EVERY = 20_000
RAISED = 1_000_000


def alarm(notify_count):
    return {"raisedAt": RAISED, "notifyCount": notify_count}


def due(k, late=0):
    return RAISED + k * EVERY + late


class ReminderAuditTests(unittest.TestCase):
    def test_reminders_on_time_pass(self):
        self.assertEqual(reminder_violations("a", alarm(4), [(1, due(1, 900)), (2, due(2, 50)), (3, due(3))], EVERY,
                                             known_at=RAISED + 300), ([], 0))

    def test_an_alarm_that_reached_the_gateway_late_sends_one_reminder_for_those_due(self):
        # The raising message arrived 54 s late: reminders 1 and 2 were both due, one went out.
        problems, coalesced = reminder_violations("a", alarm(4), [(2, due(2, 15_000)), (3, due(3, 300))], EVERY,
                                                  known_at=RAISED + 54_000)
        self.assertEqual(problems, [])
        self.assertEqual(coalesced, 1)

    def test_a_reminder_missing_though_the_gateway_knew_of_the_alarm_is_a_violation(self):
        # Known 30 s after the raise, before reminder 2 was due: reminder 1 should have gone out.
        problems, _ = reminder_violations("a", alarm(3), [(2, due(2, 500))], EVERY, known_at=RAISED + 30_000)
        self.assertEqual(len(problems), 1)
        self.assertIn("reminder 1 never recorded", problems[0])

    def test_a_reminder_recorded_twice_is_a_violation(self):
        problems, _ = reminder_violations("a", alarm(2), [(1, due(1)), (1, due(1, 3_000))], EVERY, RAISED)
        self.assertIn("reminder 1 recorded after reminder 1", problems[0])

    def test_a_reminder_before_its_time_is_a_violation(self):
        problems, _ = reminder_violations("a", alarm(2), [(1, due(1, -1))], EVERY, RAISED)
        self.assertIn("before it was due", problems[0])

    def test_a_count_ahead_of_the_recorded_reminders_is_a_violation(self):
        problems, _ = reminder_violations("a", alarm(5), [(1, due(1)), (2, due(2))], EVERY, RAISED)
        self.assertEqual(problems, ["alarm a: notifyCount 5 but reminder 2 recorded"])

    def test_an_unreadable_reminder_note_is_a_violation(self):
        problems, _ = reminder_violations("a", alarm(1), [(None, due(1))], EVERY, RAISED)
        self.assertEqual(problems, ["alarm a: reminder None recorded after reminder 0"])


if __name__ == "__main__":
    unittest.main()
