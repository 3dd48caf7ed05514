"""Sends six weeks of product events to Steward with the official Segment Python library
(segment-analytics-python from PyPI), unmodified: only its host points at Steward.

Usage: send_month.py HOST WRITE_KEY FIRST_DAY (YYYY-MM-DD)

For the account with crm id "0015g00000ACME" (the group id): ten users identified and
grouped on FIRST_DAY (10 seats), all active every day of the 30 days from FIRST_DAY, each
using two core features; a ticket opened and solved; an NPS answer of 9. Then, 34 days after
FIRST_DAY, the account sours: every user answers NPS 2 and a new ticket is escalated; nobody
uses the product after day 30. Half the traffic is gzipped, as `gzip=True` sends it. Exits
non-zero if the library reported any error.
"""

import sys
from datetime import datetime, timedelta, timezone

from segment.analytics import Client

host, write_key, first_day = sys.argv[1], sys.argv[2], sys.argv[3]
first = datetime.strptime(first_day, "%Y-%m-%d").replace(tzinfo=timezone.utc) + timedelta(hours=9)
errors = []


def on_error(error, items):
    errors.append("{}: {} messages".format(error, len(items)))


plain = Client(write_key, host=host, on_error=on_error, max_retries=2, upload_size=100)
gzipped = Client(write_key, host=host, on_error=on_error, max_retries=2, gzip=True, upload_size=100)

account = "0015g00000ACME"
users = ["user-{}".format(n) for n in range(10)]
for user in users:
    plain.identify(user, traits={"email": "{}@acme.example".format(user)}, timestamp=first)
    plain.group(user, account, traits={"name": "Acme Corp", "seats": 10}, timestamp=first)

for day in range(30):
    client = gzipped if day % 2 else plain
    for n, user in enumerate(users):
        at = first + timedelta(days=day, minutes=n)
        client.track(user, "Report Created", {"rows": 12}, timestamp=at)
        client.track(user, "Dashboard Shared", timestamp=at + timedelta(seconds=30))
        client.page(user, "Docs", "Getting started", timestamp=at + timedelta(seconds=40))

plain.track(users[1], "Ticket Created", {"ticketId": "T-1"}, timestamp=first + timedelta(days=5))
plain.track(users[1], "Ticket Solved", {"ticketId": "T-1"}, timestamp=first + timedelta(days=6))
plain.track(users[2], "NPS Submitted", {"score": 9}, timestamp=first + timedelta(days=10))
plain.screen(users[3], "Mobile", "Home", timestamp=first + timedelta(days=29))
plain.alias("anon-7", users[3])

sour = first + timedelta(days=34)
for user in users:
    gzipped.track(user, "NPS Submitted", {"score": 2}, timestamp=sour)
gzipped.track(users[4], "Ticket Created", {"ticketId": "T-2"}, timestamp=sour)
gzipped.track(users[4], "Ticket Escalated", {"ticketId": "T-2"}, timestamp=sour + timedelta(hours=1))

plain.shutdown()
gzipped.shutdown()
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print("sent")
