#!/usr/bin/env python3
"""Checks counters.py on tiny datasets whose output was worked out by hand
from the SPEC.

    python3 benches/duckdb/test_counters.py
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = (
    "contact_id,person_id,project_id,record_type,direction,intent_id,"
    "sale_status,amount_class_id,ticket_status,ticket_category_id,"
    "total_reg,total_reg_in_period,not_completed,not_completed_in_period,"
    "last_registered,last_completed,last_do_by,extra1_count,extra2_count,"
    "extra3_count,extra4_count")

STANDARD_SETTINGS = """{
  "now": "2026-12-01T00:00:00Z",
  "owners": {
    "contact": {"enabled": true, "periods": [30, 90, 365]},
    "person":  {"enabled": true, "periods": [30, 90, 365]},
    "project": {"enabled": true, "periods": [14, 180, null]}
  },
  "amount_classes": [
    {"id": 1, "name": "Small",  "from": 0,      "to": 10000},
    {"id": 2, "name": "Medium", "from": 10000,  "to": 100000},
    {"id": 3, "name": "Large",  "from": 100000, "to": null}
  ]
}"""


def run(files):
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        out = os.path.join(tmp, "countervalue.csv")
        subprocess.run(
            [sys.executable, os.path.join(HERE, "counters.py"), tmp,
             "--output", out, "--threads", "2"], check=True)
        with open(out, "rb") as f:
            return f.read().decode("utf-8")


def expected(rows):
    return "\n".join([HEADER, *rows]) + "\n"


class Counters(unittest.TestCase):
    def test_phone_call_feeds_eight_rows(self):
        # SPEC section 4: a completed outgoing phone call (5, 2, intent 7)
        # for contact 12, ten days ago, in all three periods.
        got = run({
            "settings.json": STANDARD_SETTINGS,
            "activities.csv":
                "id,contact_id,person_id,project_id,record_type,direction,"
                "intent_id,status,mother_id,date\n"
                "1,12,0,0,5,2,7,3,0,2026-11-21T00:00:00Z\n",
        })
        d = "2026-11-21T00:00:00Z"
        tail = f"0,0,0,0,1,1,0,0,{d},{d},,1,0,1,0"
        keys = ["5,2,0", "5,2,7", "5,3,0", "5,3,7",
                "10,2,0", "10,2,7", "10,3,0", "10,3,7"]
        self.assertEqual(
            got, expected([f"12,0,0,{k},{tail}" for k in keys]))

    def test_rules_on_a_mixed_dataset(self):
        settings = """{
          "now": "2026-12-01T00:00:00Z",
          "owners": {
            "contact": {"enabled": true, "periods": [30, 90, 365]},
            "project": {"enabled": true, "periods": [14, 180, null]}
          },
          "amount_classes": [
            {"id": 1, "name": "Small",  "from": 0,      "to": 10000},
            {"id": 2, "name": "Medium", "from": 10000,  "to": 100000},
            {"id": 3, "name": "Large",  "from": 100000, "to": null}
          ]
        }"""
        activities = (
            "id,contact_id,person_id,project_id,record_type,direction,"
            "intent_id,status,mother_id,date\n"
            # unknown codes, no date: only the "all" row, totals only
            "1,5,6,0,0,0,0,1,0,\n"
            # project only, exactly 14 days back: in period 1 and 2,
            # period 3 disabled
            "2,0,0,9,1,1,0,1,0,2026-11-17T00:00:00Z\n"
            # a microsecond before period 1 starts
            "3,7,0,0,5,2,0,3,0,2026-10-31T23:59:59.999999Z\n"
            # an invitation master in the future, and its child
            "4,7,0,0,1,1,0,1,4,2026-12-01T00:00:01Z\n"
            "5,7,0,0,1,1,0,1,4,2026-11-30T00:00:00Z\n"
            # person kind disabled; date given at +01:00 with a fraction
            "6,8,6,0,2,1,0,3,0,2026-11-30T13:00:00.5+01:00\n")
        sales = (
            "id,contact_id,person_id,project_id,status,done,amount,date\n"
            # on the lower bound of Medium; sold but not done
            "1,7,0,0,2,false,10000,2026-11-20T00:00:00Z\n"
            # unknown status, in no class, no date
            "2,8,0,0,0,true,-5,\n")
        tickets = (
            "status,date,id,category_id,person_id,contact_id\n"
            "4,2026-11-20T00:00:00Z,1,3,6,7\n"
            "2,2025-12-01T00:00:00Z,2,0,0,7\n"
            "1,2026-11-20T00:00:00Z,3,1,0,0\n")
        got = run({"settings.json": settings, "activities.csv": activities,
                   "sales.csv": sales, "tickets.csv": tickets})

        d2 = "2026-11-17T00:00:00Z"
        d3 = "2026-10-31T23:59:59.999999Z"
        d4 = "2026-12-01T00:00:01Z"
        d6 = "2026-11-30T12:00:00.500000Z"
        s1 = "2026-11-20T00:00:00Z"
        t2 = "2025-12-01T00:00:00Z"
        project = f"0,0,0,0,1,1,1,1,{d2},,{d2},1,1,,"
        master = f"0,0,0,0,1,0,1,0,{d4},,{d4},0,0,0,0"
        call = f"0,0,0,0,1,0,0,0,{d3},{d3},,1,0,1,0"
        sale = f"1,1,1,1,{s1},,{s1},1,1,1,1"
        ticket = f"1,0,0,0,{t2},{t2},,0,0,1,0"
        document = f"0,0,0,0,1,1,0,0,{d6},{d6},,1,0,1,0"
        self.assertEqual(got, expected([
            f"0,0,9,1,1,0,{project}",
            f"0,0,9,1,3,0,{project}",
            f"0,0,9,10,1,0,{project}",
            f"0,0,9,10,3,0,{project}",
            "5,0,0,10,3,0,0,0,0,0,1,0,1,0,,,,0,0,0,0",
            f"7,0,0,0,0,0,0,0,2,0,{ticket}",
            f"7,0,0,0,0,0,0,0,1000,0,{ticket}",
            f"7,0,0,0,0,0,2,0,0,0,{sale}",
            f"7,0,0,0,0,0,2,2,0,0,{sale}",
            f"7,0,0,0,0,0,1000,0,0,0,{sale}",
            f"7,0,0,0,0,0,1000,2,0,0,{sale}",
            f"7,0,0,1,1,0,{master}",
            f"7,0,0,1,3,0,{master}",
            f"7,0,0,5,2,0,{call}",
            f"7,0,0,5,3,0,{call}",
            f"7,0,0,10,1,0,{master}",
            f"7,0,0,10,2,0,{call}",
            f"7,0,0,10,3,0,0,0,0,0,2,0,1,0,{d4},{d3},{d4},1,0,1,0",
            "8,0,0,0,0,0,1000,0,0,0,1,0,0,0,,,,0,0,0,0",
            f"8,0,0,2,1,0,{document}",
            f"8,0,0,2,3,0,{document}",
            f"8,0,0,10,1,0,{document}",
            f"8,0,0,10,3,0,{document}",
        ]))

    def test_no_records_gives_the_header_only(self):
        got = run({"settings.json": STANDARD_SETTINGS})
        self.assertEqual(got, HEADER + "\n")


if __name__ == "__main__":
    unittest.main()
