#!/usr/bin/env bash
# Idempotent: a Python venv with the independent iCalendar parsers that
# $MM_SHARED_DIR/standards/verify/ics_check.py uses (icalendar, vobject, ics,
# recurring-ical-events), pinned to the versions shared/standards tested.
# The venv lives in target/ (gitignored); the core crate's ICS interop test
# finds it there.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${MM_ICS_VENV:-target/ics-check-venv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import icalendar, vobject, ics, recurring_ical_events" 2>/dev/null; then
  echo "ics-check venv ready: $venv"
  exit 0
fi
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  icalendar==7.3.2 ics==0.7.3 vobject==0.9.9 recurring-ical-events==3.8.2
"$venv/bin/python" -c "import icalendar, vobject, ics, recurring_ical_events"
echo "ics-check venv ready: $venv"
