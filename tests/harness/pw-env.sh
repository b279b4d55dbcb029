#!/bin/sh
# pw-env.sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/harness/pw-env.sh [--quantum N] [--rate R] [--wireplumber] [--timeout S] \
#                                -- COMMAND...
#
# Starts a private headless PipeWire (own dbus-daemon, null sink strata-test-sink, virtual
# source strata-test-source; see pwserver.py), runs COMMAND with the client environment
# exported (XDG_RUNTIME_DIR, PIPEWIRE_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS, XDG_CONFIG_HOME,
# XDG_STATE_HOME, STRATA_TEST_SINK, STRATA_TEST_SOURCE, STRATA_TEST_RATE, STRATA_TEST_QUANTUM,
# STRATA_TEST_PIPEWIRE_PID; PIPEWIRE_DEBUG unset), stops everything it started and exits with
# COMMAND's exit code (128+N if COMMAND died of signal N, 77 if PipeWire or dbus-daemon is not
# installed, 1 if the server could not be started).
exec python3 "$(dirname "$0")/pwserver.py" "$@"
