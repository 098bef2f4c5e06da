#!/usr/bin/env bash
# `make test`: set up what the tests need, then run every suite and print one summary line.
#
#   1. scripts/stack.sh test-setup   (venv, PostgreSQL, Redis, the test database $TEST_DB)
#   2. pytest over tests/ (tests/e2e excluded: `make e2e`), with CKAN's --ckan-ini=test.ini
#   3. make conformance               (defined by conformance/conformance.mk), then
#      make peers-quick                 (the peers' own suites, a slice: conformance/peers.mk)
#   4. every benchmark (bench/*.py with a __main__ entry) with --quick
#   5. make run (the portal, its workers and the demo), then make e2e: browser journeys in
#      Chromium (which step 1 installs) against that portal
#
# All suites run even when one fails; the exit status is non-zero if any failed, and also when
# pytest collected no test (its exit status 5). PYTEST_ARGS adds arguments to pytest.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

results=()
failed=0
record() { # record NAME STATUS TEXT
    results+=("$1: $3")
    [[ $2 == ok || $2 == skipped ]] || failed=1
}

# ------------------------------------------------------------------------------------ pytest
run_pytest() {
    local log="$LOG_DIR/pytest.log" rc=0 summary
    say ""
    say "=== pytest tests/${PYTEST_ARGS:+ $PYTEST_ARGS}"
    set +e
    # shellcheck disable=SC2086  # PYTEST_ARGS is a list of words on purpose
    "$VENV/bin/pytest" --ignore=tests/e2e ${PYTEST_ARGS:-} tests 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    summary="$({ grep -E '^=+ .* in [0-9.]+s' "$log" || true; } | tail -n1 | sed -E 's/^=+ //; s/ =+$//')"
    case $rc in
        0) record pytest ok "ok (${summary:-passed})" ;;
        5) record pytest failed "FAILED: no test ran (pytest exit status 5)" ;;
        *) record pytest failed "FAILED (${summary:-exit status $rc}; log $log)" ;;
    esac
}

# ------------------------------------------------------------------------------- conformance
run_conformance() {
    say ""
    say "=== make conformance"
    if [[ ! -f $ROOT/conformance/conformance.mk ]]; then
        say "conformance/conformance.mk does not exist yet: nothing to run"
        record conformance skipped "skipped (no conformance/conformance.mk)"
        return 0
    fi
    if "${MAKE:-make}" --no-print-directory -C "$ROOT" conformance; then
        record conformance ok ok
    else
        record conformance failed "FAILED (exit status $?)"
    fi
}

# ------------------------------------------------------------------------------------ peers
run_peers_quick() {
    say ""
    say "=== make peers-quick (the peers' own suites, quick form)"
    # The quick form checks that every failure is a listed one and that no listed one passes;
    # the 99.5% pass-rate target is `make peers`'s (not met yet: docs/development.md).
    if "${MAKE:-make}" --no-print-directory -C "$ROOT" peers-quick \
        PEERS_MIN_PASS_RATE="${PEERS_QUICK_MIN_PASS_RATE:-0}"; then
        record peers ok "ok (quick form)"
    else
        record peers failed "FAILED (exit status $?; logs in $STATE_DIR/peers/logs)"
    fi
}

# ------------------------------------------------------------------------------- benchmarks
run_benchmarks() {
    local files=() f n_failed=0
    # A benchmark is a bench/*.py with a `__main__` entry; the others are its helper modules.
    mapfile -t files < <(grep -l '^if __name__ == .__main__.:' "$ROOT"/bench/*.py 2>/dev/null || true)
    say ""
    say "=== benchmarks: ${#files[@]} in bench/"
    if ((${#files[@]} == 0)); then
        record bench ok "none yet"
        return 0
    fi
    for f in "${files[@]}"; do
        say "--- $VENV/bin/python bench/$(basename "$f") --quick"
        if ! "$VENV/bin/python" "$f" --quick; then
            say "FAILED: bench/$(basename "$f")"
            n_failed=$((n_failed + 1))
        fi
    done
    if ((n_failed == 0)); then
        record bench ok "ok (${#files[@]} run)"
    else
        record bench failed "FAILED ($n_failed of ${#files[@]})"
    fi
}

# --------------------------------------------------------------------------------------- e2e
run_e2e() {
    local log="$LOG_DIR/e2e.log" rc=0 summary
    say ""
    say "=== make run, then make e2e (browser journeys)"
    # The harvest journey serves a ministry catalogue on 127.0.0.1: the portal may fetch it.
    # (Without the test database's CKAN_SQLALCHEMY_URL/CKAN_REDIS_URL of the other suites: the
    # portal runs on its own database.)
    if ! env -u CKAN_SQLALCHEMY_URL -u CKAN_REDIS_URL HARVEST_ALLOWED_PRIVATE=127.0.0.1 \
        bash "$ROOT/scripts/stack.sh" run; then
        record e2e failed "FAILED (make run did not start the portal; see $LOG_DIR)"
        return 0
    fi
    set +e
    "${MAKE:-make}" --no-print-directory -C "$ROOT" e2e 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    summary="$({ grep -E '^=+ .* in [0-9.]+s' "$log" || true; } | tail -n1 | sed -E 's/^=+ //; s/ =+$//')"
    if ((rc == 0)); then
        record e2e ok "ok (${summary:-passed}; screenshots in test-results/e2e/)"
    else
        record e2e failed "FAILED (${summary:-exit status $rc}; pages in test-results/e2e/)"
    fi
}

main() {
    bash "$ROOT/scripts/stack.sh" test-setup

    # What the suites (and conformance/conformance.mk's recipe) run against: the project's servers.
    export CKAN_SQLALCHEMY_URL="$TEST_SQLALCHEMY_URL"
    export CKAN_REDIS_URL="$TEST_REDIS_URL"
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
    cd "$ROOT"

    local started=$SECONDS verdict=PASSED line
    run_pytest
    run_conformance
    run_peers_quick
    run_benchmarks
    run_e2e

    say ""
    ((failed)) && verdict=FAILED
    line="$(printf '%s | ' "${results[@]}")"
    say "make test: $verdict in $((SECONDS - started))s | ${line% | }"
    return "$failed"
}

# One line: bash reads a script as it runs it, and the tree may change during a long test run.
main "$@"; exit
