#!/usr/bin/python3
"""What a dashboard written against libvirt-python fetches to draw a domain's snapshot tree.

    /usr/bin/python3 bench/python-fetch.py URI DOMAIN [REPETITIONS]

Connects once, then times, in this process, REPETITIONS (default 5) of each:

- fetch: virDomainListAllSnapshots, the current snapshot, then each snapshot's XML parsed
  for name, parent, state, creation time and description (the fields the graph's whole-tree
  query returns);
- list: virDomainListAllSnapshots alone, with each snapshot's name (read locally, no call);
- names: virDomainSnapshotListNames, one call that returns the names only.

Prints one JSON line: {"count", "fetchMs": [...], "listMs": [...], "namesMs": [...],
"roots", "current"}. Run it with the system's interpreter (/usr/bin/python3), which has the
distribution's libvirt-python.
"""

import json
import sys
import time
import xml.etree.ElementTree as ElementTree

import libvirt


def quiet(_context, _error):
    """libvirt prints every error to stderr unless a handler takes it."""


def fetch(domain):
    """Every snapshot as the dashboard shows it, and the current snapshot's name."""
    snapshots = domain.listAllSnapshots()
    try:
        current = domain.snapshotCurrent().getName()
    except libvirt.libvirtError:
        current = None

    rows = []
    for snapshot in snapshots:
        document = ElementTree.fromstring(snapshot.getXMLDesc())
        rows.append(
            {
                "name": document.findtext("name"),
                "parent": document.findtext("parent/name"),
                "state": document.findtext("state"),
                "creationTime": int(document.findtext("creationTime")),
                "description": document.findtext("description"),
                "isCurrent": document.findtext("name") == current,
            }
        )

    return rows, current


def milliseconds(started):
    return (time.perf_counter() - started) * 1000


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: python-fetch.py URI DOMAIN [REPETITIONS]")

    uri, name = sys.argv[1], sys.argv[2]
    repetitions = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    libvirt.registerErrorHandler(quiet, None)
    connection = libvirt.open(uri)
    domain = connection.lookupByName(name)
    fetch_ms, list_ms, names_ms = [], [], []
    rows, current = [], None
    for _ in range(repetitions):
        started = time.perf_counter()
        rows, current = fetch(domain)
        fetch_ms.append(milliseconds(started))

        started = time.perf_counter()
        listed = [snapshot.getName() for snapshot in domain.listAllSnapshots()]
        list_ms.append(milliseconds(started))

        started = time.perf_counter()
        names = domain.snapshotListNames()
        names_ms.append(milliseconds(started))

        if len(listed) != len(rows) or len(names) != len(rows):
            sys.exit("the snapshots changed while they were being fetched")

    connection.close()
    print(
        json.dumps(
            {
                "count": len(rows),
                "fetchMs": fetch_ms,
                "listMs": list_ms,
                "namesMs": names_ms,
                "roots": sum(1 for row in rows if row["parent"] is None),
                "current": current,
            }
        )
    )


if __name__ == "__main__":
    main()
