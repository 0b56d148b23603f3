#!/usr/bin/env bash
# Several machines, shown on one: two app servers (gunicorn with deploy/gunicorn.conf.py, each
# its own process group) on two ports, one PostgreSQL database, one Redis, and one Celery worker
# in a process of its own. A registration rush split across both servers, with more people than
# seats (wrk with bench/registration_rush.lua), must:
#   - confirm exactly the seats and wait-list everyone else, with no error answer at all;
#   - leave `manage.py check_integrity` clean;
#   - have the worker, not the web servers, send one email per registration (the tickets in
#     the confirmed ones), each logged under the request id of the registration that queued it.
# On the way it checks /healthz, /readyz and a static file served compressed by whitenoise.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportevents \
#   REDIS_URL=redis://127.0.0.1:6379/0 deploy/test-cluster.sh
#
# It creates its own database beside DATABASE_URL's and drops it on exit, and uses a task queue
# of its own in REDIS_URL's Redis. Needs wrk (apt-get install wrk). Run by .ci/run.
# CLUSTER_SEATS, CLUSTER_RUSH_SECONDS and CLUSTER_CONNECTIONS (per server) size the rush.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

seats="${CLUSTER_SEATS:-20}"
rush_seconds="${CLUSTER_RUSH_SECONDS:-6}"
connections="${CLUSTER_CONNECTIONS:-8}"
source_url="${DATABASE_URL:?Set DATABASE_URL to a PostgreSQL database; a new one is made beside it}"
server="${source_url%/*}" # postgres://user@host:port
source_name="${source_url##*/}"
db="${source_name%%\?*}_cluster_$$"
work=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

# The environment of every process: production settings, on this machine.
export DATABASE_URL="$server/$db"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export CELERY_QUEUE="sportevents-cluster-check-$$"
export CELERY_TASK_ALWAYS_EAGER=0
export SECRET_KEY="cluster-check-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
export ALLOWED_HOSTS="127.0.0.1,localhost" SITE_URL="http://127.0.0.1"
export DEBUG=0 SECURE_SSL_REDIRECT=0 LOG_FORMAT=json LOG_LEVEL=INFO
export STATIC_MANIFEST=1 STATIC_ROOT="$work/static"
export API_THROTTLE_ANON=1000000/min API_THROTTLE_REGISTRATION=1000000/min
export HOST=127.0.0.1 WEB_CONCURRENCY=2
unset EMAIL_HOST

process_groups=()
cleanup() {
  local status=$?
  for group in "${process_groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
  for _ in $(seq 1 25); do # 5 s to stop, then killed
    local alive=0
    for group in "${process_groups[@]}"; do kill -0 -- "-$group" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for group in "${process_groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] && { echo "== $(basename "$log"), last lines:"; tail -n 15 "$log"; }
    done
  fi
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "*$CELERY_QUEUE*" 2>/dev/null \
    | xargs -r redis-cli -u "$REDIS_URL" DEL >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "== [$((SECONDS - started)) s] $* =="; }
manage() { .venv/bin/python manage.py "$@"; }
# start NAME COMMAND...: in a session (so a process group) of its own, output in NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$work/$name.log" 2>&1 &
  process_groups+=("$!")
}
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "a fresh database ($db): migrate, the demo data, a ticket type with $seats seats"
psql "$server/postgres" -qc "CREATE DATABASE \"$db\""
manage collectstatic --noinput -v0 & # meanwhile: it needs no database
collecting=$!
manage migrate --noinput -v0
# bench's seeding: the demo data, then a ticket type on its Move Together Week (one process).
ticket=$(CELERY_TASK_ALWAYS_EAGER=1 EMAIL_FILE_PATH="$work/mail-seed" manage shell -v 0 -c \
  "from sportevents.demo import seed_demo; from bench.rush_snippets import SETUP
seed_demo()
exec(SETUP % ('cluster', $seats))" | tail -n 1)
wait "$collecting" || fail "collectstatic"

step "two app servers and one worker"
port_a=$(free_port)
port_b=$(free_port)
[ "$port_a" != "$port_b" ] || port_b=$(free_port)
start worker env EMAIL_FILE_PATH="$work/mail-worker" \
  .venv/bin/celery -A sportevents worker --loglevel INFO --concurrency 2 --without-gossip --without-mingle
for side in a b; do
  port_var="port_$side"
  start "web-$side" env PORT="${!port_var}" EMAIL_FILE_PATH="$work/mail-web" \
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py sportevents.wsgi
done
for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    sleep 0.2
  done
  ready=$(curl -sS "http://127.0.0.1:$port/readyz" || true)
  [ "$ready" = '{"database": "ok", "redis": "ok"}' ] || fail "port $port: /readyz said '$ready'"
  [ "$(curl -sS "http://127.0.0.1:$port/healthz")" = ok ] || fail "port $port: /healthz"
  echo "port $port: /healthz ok, /readyz $ready"
done

css=$(.venv/bin/python -c "import json, sys; print(json.load(open(sys.argv[1]))['paths']['css/site.css'])" \
  "$STATIC_ROOT/staticfiles.json")
headers=$(curl -sS -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port_a/static/$css")
grep -qi '^content-encoding: gzip' <<<"$headers" || fail "static/$css is not served compressed"
grep -qi '^cache-control: max-age=315360000, public, immutable' <<<"$headers" \
  || fail "static/$css is not served with a far-future Cache-Control"
echo "static/$css: gzip, cached for a year (whitenoise)"

# A first request for each worker, as a live site's workers have long had before a rush comes.
warm=()
for port in "$port_a" "$port_b"; do
  for _ in 1 2 3 4; do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/events/move-together-week/" &
    warm+=("$!")
  done
done
for pid in "${warm[@]}"; do wait "$pid" || fail "a first request failed"; done

step "the rush: $rush_seconds s, $connections connections on each server, $seats seats"
path="/api/v1/events/move-together-week/registrations/"
rush_pids=()
for side in a b; do
  port_var="port_$side"
  TICKET_TYPE="$ticket" RUSH_PREFIX="cluster-$side" wrk -t 2 -c "$connections" -d "${rush_seconds}s" \
    --timeout 10s -s bench/registration_rush.lua "http://127.0.0.1:${!port_var}$path" \
    >"$work/wrk-$side.txt" 2>&1 &
  rush_pids+=("$!")
done
for pid in "${rush_pids[@]}"; do wait "$pid" || fail "wrk failed: $(cat "$work"/wrk-*.txt)"; done

step "the outcome, in the database, the mail folders and the logs"
# Requests wrk left in flight when its time was up finish on the servers: count once it is still.
last=""
for _ in $(seq 1 20); do
  now=$(psql "$DATABASE_URL" -tAc \
    "SELECT count(*) FROM registrations_registration WHERE ticket_type_id = $ticket")
  [ "$now" = "$last" ] && break
  last=$now
  sleep 0.5
done
# The worker sends one email per registration; wait for it (it started sending during the rush).
for _ in $(seq 1 120); do
  sent=$(cat "$work"/mail-worker/* 2>/dev/null | grep -cx -- "$(printf -- '-%.0s' $(seq 1 79))" || true)
  [ "$sent" -ge "$now" ] && break
  sleep 0.5
done

export CLUSTER_TICKET="$ticket" CLUSTER_WORK="$work"
manage shell -v 0 -c "$(cat <<'PY'
import email, io, json, os, re
from contextlib import redirect_stdout
from pathlib import Path

from django.core.management import call_command

from bench.rush_snippets import COUNT
from registrations.models import Registration

ticket, work = int(os.environ["CLUSTER_TICKET"]), Path(os.environ["CLUSTER_WORK"])
# bench's count of the ticket type: capacity, seats taken, seats held, registrations by status.
with redirect_stdout(io.StringIO()) as printed:
    exec(COUNT % ticket, {})
counts = json.loads(printed.getvalue())
problems = []


def check(ok, message):
    print(("ok      " if ok else "FAILED  ") + message)
    if not ok:
        problems.append(message)


def wrk_figures(side):
    text = (work / f"wrk-{side}.txt").read_text()
    return json.loads(re.search(r"^JSON (.*)$", text, re.M).group(1))


def log_records(name):
    for line in (work / f"{name}.log").read_text().splitlines():
        if line.startswith("{"):
            yield json.loads(line)


def messages(folder):
    for path in sorted((work / folder).glob("*")) if (work / folder).exists() else []:
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                yield email.message_from_string(chunk)


rows = Registration.objects.filter(ticket_type_id=ticket)
seats, taken, held = counts["capacity"], counts["taken"], counts["held_seats"]
confirmed, waitlisted = counts.get("confirmed", 0), counts.get("waitlisted", 0)
total = rows.count()
a, b = wrk_figures("a"), wrk_figures("b")
attempts = a["requests"] + b["requests"]
errors = sum(f[k] for f in (a, b) for k in ("non_2xx", "errors_connect", "errors_read", "errors_timeout"))
print(f"attempts {attempts} (server a {a['requests']}, b {b['requests']}), registrations {total}: "
      f"{confirmed} confirmed, {waitlisted} wait-listed, of {seats} seats")
check(total > seats, f"more people ({total}) than seats ({seats})")
check(confirmed == seats == taken == held,
      f"exactly the seats confirmed, never more: {confirmed} confirmed, {taken} taken, {held} held")
check(waitlisted == total - confirmed, f"everyone else wait-listed: {waitlisted} of {total}")
check(errors == 0, f"no error answer and no failed connection: {errors}")
# wrk counts the answers it saw in its time; those still in flight then were served after.
check(total >= attempts, f"every answered attempt registered ({total} >= {attempts})")
for side in "ab":
    served = rows.filter(email__startswith=f"cluster-{side}-").count()
    check(served > 0, f"server {side} registered {served} people")

access = [r for side in "ab" for r in log_records(f"web-{side}") if r["logger"] == "sportevents.access"]
rush = [r for r in access if r.get("method") == "POST"]
check(not [r for r in access if r.get("status", 0) >= 500], "no 5xx in the servers' access logs")
check(all(r.get("status") == 201 for r in rush) and len(rush) == total,
      f"{len(rush)} registrations in the servers' JSON access logs, all 201")

sent = list(messages("mail-worker"))
by_address = {m["To"]: m for m in sent}
with_tickets = {m["To"] for m in sent if any(p.get_content_type() == "application/pdf" for p in m.walk())}
emails = dict(rows.values_list("email", "status"))
check(not list(messages("mail-web")), "the web servers sent no email themselves")
check(len(sent) == total and set(by_address) == set(emails),
      f"the worker sent one email to each registration: {len(sent)} for {total}")
check(with_tickets == {e for e, s in emails.items() if s == "confirmed"},
      f"the tickets (PDF) went to the {len(with_tickets)} confirmed, to no one else")

queued_by = {r["request_id"] for r in rush}
mailed = [r for r in log_records("worker")
          if "send_registration_email" in r["message"] and "succeeded" in r["message"]]
check(len(mailed) == total and all(r.get("request_id") in queued_by for r in mailed),
      f"each of the worker's {len(mailed)} email tasks logged the request id that queued it")
check(len({r["pid"] for r in mailed} & {r["pid"] for r in access}) == 0,
      "the emails were sent by worker processes, not by the web servers")

call_command("check_integrity")  # raises on any finding: oversold seats, counters, check-ins
if problems:
    raise SystemExit(f"{len(problems)} check(s) failed")
PY
)" | grep -v '^{' || fail "the rush's outcome (above)"
step "all checks passed"
