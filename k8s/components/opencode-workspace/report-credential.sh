#!/bin/sh
# Reports the workspace's GitHub Copilot credential to opencode-keeper. Runs as a native sidecar of
# every workspace pod (a restartable init container of alpine/git, busybox ash, its own container:
# the OpenCode container and its agent see neither this process nor its token) and, unchanged, in
# the tests (sh and busybox sh).
#
# Every POLL_SECONDS it reads auth.json (read-only: it never writes it), takes its github-copilot
# entry and POSTs {"github-copilot":{...}} to $KEEPER_URL/workspaces/$WORKSPACE_NAME/credential when
# the entry changed (a login in OpenCode's UI or terminal, an edit, the keeper's own live reseed)
# and every REPORT_SECONDS anyway, so a keeper that restarted learns what the workspace holds. A
# report that fails is tried again: after a 503 (a follower of two keepers: the Service sends the
# next try to either, or a token the keeper could not read yet) at the next poll, after no answer
# or any other answer waiting longer after each failure (up to 30 s). The other providers of
# auth.json never leave the pod.
#
# Secrets stay out of every process's arguments and out of the log: the token and the entry are
# read with the shell's own read and command substitution, written with its own printf into a FIFO
# that is busybox nc's standard input (the whole HTTP request), and never printed or stored. The
# FIFO stays open until nc ends: a client that closed its sending side after the request would be
# cut off by the keeper's HTTP server (it closes a half-closed connection) before it answers. The
# log names the credential only by the fingerprint the keeper answers. No `set -x` here, ever.
#
# Inputs (environment): KEEPER_URL (required; an http URL, host and port: the keeper's Service),
# WORKSPACE_NAME (required), AUTH_JSON (default $XDG_DATA_HOME/opencode/auth.json), REPORT_TOKEN_FILE
# (default /report-token/KEEPER_REPORT_TOKEN), POLL_SECONDS (default 2), REPORT_SECONDS (default
# 60), REQUEST_SECONDS (default 20, the deadline of one report), TMPDIR (default /tmp: the FIFO and
# the keeper's answer, in a folder of this container alone).
#
# Delivered by a kustomize configMapGenerator into a Kustomization that Flux substitutes after the
# build: this file must never contain a dollar sign followed by an opening brace (Flux would
# replace it). A test compares the built, substituted ConfigMap with this file byte for byte.

log() { printf 'report-credential: %s\n' "$*"; }
fail() {
  printf 'report-credential: ERROR: %s\n' "$*" >&2
  exit 1
}

# ---- inputs, checked once --------------------------------------------------------------------------
[ -n "$KEEPER_URL" ] || fail "KEEPER_URL is not set (the keeper's http URL, host and port)"
[ -n "$WORKSPACE_NAME" ] || fail "WORKSPACE_NAME is not set (the workspace's name at the keeper)"
case "$WORKSPACE_NAME" in
  *[!a-z0-9-]* | -* | *-) fail "WORKSPACE_NAME is not a workspace name (lower-case letters, digits and inner '-')" ;;
esac
if [ -z "$AUTH_JSON" ]; then
  [ -n "$XDG_DATA_HOME" ] || fail "neither AUTH_JSON nor XDG_DATA_HOME is set (OpenCode's auth.json)"
  AUTH_JSON="$XDG_DATA_HOME/opencode/auth.json"
fi
[ -n "$REPORT_TOKEN_FILE" ] || REPORT_TOKEN_FILE=/report-token/KEEPER_REPORT_TOKEN
[ -n "$POLL_SECONDS" ] || POLL_SECONDS=2
[ -n "$REPORT_SECONDS" ] || REPORT_SECONDS=60
[ -n "$REQUEST_SECONDS" ] || REQUEST_SECONDS=20
[ -n "$TMPDIR" ] || TMPDIR=/tmp
for number in "$POLL_SECONDS" "$REPORT_SECONDS" "$REQUEST_SECONDS"; do
  case "$number" in
    '' | *[!0-9]* | 0) fail "POLL_SECONDS, REPORT_SECONDS and REQUEST_SECONDS are whole seconds, at least 1" ;;
  esac
done

# The http URL (host, optional port and path prefix; no TLS) -> host, port, path of the report
case "$KEEPER_URL" in
  http://*) ;;
  *) fail "KEEPER_URL must be an http:// URL (the keeper's Service inside the cluster)" ;;
esac
address=$(printf '%s\n' "$KEEPER_URL" | sed -e 's|^http://||' -e 's|/.*$||')
prefix=$(printf '%s\n' "$KEEPER_URL" | sed -e 's|^http://[^/]*||' -e 's|/*$||')
case "$address" in
  '' | *@*) fail "KEEPER_URL has no host, or carries user info" ;;
  *:*)
    host=$(printf '%s\n' "$address" | sed 's|:[^:]*$||')
    port=$(printf '%s\n' "$address" | sed 's|^.*:||') ;;
  *)
    host=$address
    port=80 ;;
esac
case "$port" in
  '' | *[!0-9]*) fail "KEEPER_URL has a port that is not a number" ;;
esac
path="$prefix/workspaces/$WORKSPACE_NAME/credential"

# ---- the github-copilot entry of auth.json -----------------------------------------------------------
# Prints {"github-copilot":<entry>} for the last top-level "github-copilot" key whose value is an
# object (as JSON.parse keeps the last of a repeated key), or nothing and fails for a file that is
# no JSON object, holds no such entry, or whose brackets and strings do not close, and for one over
# 64 KiB (the keeper's limit; an auth.json is a few hundred bytes per provider). A scanner over the
# text, line by line (a JSON string holds no raw line break), strings and escapes respected; the
# entry is passed on as it is (the keeper checks it). Reads the file through redirections: its
# content never becomes a process argument.
extract_entry() {
  [ -f "$AUTH_JSON" ] && [ "$(wc -c < "$AUTH_JSON")" -le 65536 ] || return 1
  awk '
    BEGIN { depth = 0; instring = 0; escaped = 0; expectkey = 0; valuenext = 0; key = ""; capture = 0; found = ""; begun = 0 }
    {
      line = $0; n = length(line); piece = 1; keystart = 0
      for (i = 1; i <= n; i++) {
        c = substr(line, i, 1)
        if (instring) {
          if (escaped) { escaped = 0 }
          else if (c == "\\") { escaped = 1 }
          else if (c == "\"") {
            instring = 0
            if (depth == 1 && expectkey) { key = substr(line, keystart + 1, i - keystart - 1); expectkey = 0 }
          }
          continue
        }
        if (c == " " || c == "\t" || c == "\r") { continue }
        if (!begun) { if (c != "{") { bad = 1; exit 1 } begun = 1 }
        if (depth == 0 && closed) { bad = 1; exit 1 }
        if (c == "\"") { instring = 1; keystart = i; continue }
        if (c == "{" || c == "[") {
          depth++
          if (depth == 1) { expectkey = 1 }
          if (depth == 2 && c == "{" && key == "github-copilot" && valuenext) { capture = 1; captured = ""; piece = i }
          valuenext = 0
          continue
        }
        if (c == "}" || c == "]") {
          depth--
          if (depth < 0) { bad = 1; exit 1 }
          if (depth == 1 && capture) { found = captured substr(line, piece, i - piece + 1); capture = 0 }
          if (depth == 0) { closed = 1 }
          continue
        }
        if (depth == 1 && c == ":") { valuenext = 1; continue }
        if (depth == 1 && c == ",") { expectkey = 1; key = ""; valuenext = 0; continue }
        valuenext = 0
      }
      if (instring) { bad = 1; exit 1 }
      if (capture) { captured = captured substr(line, piece) "\n"; piece = 1 }
    }
    END {
      if (bad || depth != 0 || !closed || found == "") { exit 1 }
      printf "{\"github-copilot\":%s}", found
    }' < "$AUTH_JSON"
}

# ---- one report -----------------------------------------------------------------------------------------
# Sends $entry with the token; sets status (the HTTP status, or "none") and credential (the
# fingerprint the keeper answers). The request, token included, goes to nc's standard input only,
# through a FIFO this shell keeps open until nc has the whole answer.
work=$(mktemp -d "$TMPDIR/report-credential.XXXXXX") || fail "cannot make a folder in $TMPDIR"
fifo="$work/request"
answer_file="$work/answer"
trap 'rm -rf "$work"' EXIT
report() {
  token=
  IFS= read -r token < "$REPORT_TOKEN_FILE" || [ -n "$token" ]
  if [ -z "$token" ]; then
    status=none
    credential=
    token_problem="$REPORT_TOKEN_FILE is missing or empty"
    return 1
  fi
  token_problem=
  length=$(printf '%s' "$entry" | wc -c | tr -d ' ')
  rm -f "$fifo" "$answer_file"
  mkfifo -m 600 "$fifo" || fail "cannot make a FIFO in $work"
  timeout "$REQUEST_SECONDS" nc -w "$REQUEST_SECONDS" "$host" "$port" < "$fifo" > "$answer_file" 2> /dev/null &
  sender=$!
  exec 3> "$fifo"
  {
    printf 'POST %s HTTP/1.1\r\n' "$path"
    printf 'Host: %s\r\n' "$address"
    printf 'Authorization: Bearer %s\r\n' "$token"
    printf 'Content-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' "$length"
    printf '%s' "$entry"
  } >&3
  token=
  wait "$sender"
  exec 3>&-
  rm -f "$fifo"
  answer=$(cat "$answer_file")
  status=$(printf '%s\n' "$answer" | sed -n '1s|^HTTP/[0-9.]* \([0-9][0-9][0-9]\).*|\1|p')
  [ -n "$status" ] || status=none
  credential=$(printf '%s\n' "$answer" | sed -n 's|.*"credential":"\([0-9a-f]\{12\}\)".*|\1|p' | head -n 1)
  case "$status" in
    2??) return 0 ;;
  esac
  return 1
}

# ---- the loop ---------------------------------------------------------------------------------------------
trap 'exit 0' TERM INT # the EXIT trap above removes the work folder
trap '' PIPE # nc gone early (keeper down): a write to its FIFO fails, it does not end the script
log "watching $AUTH_JSON every $POLL_SECONDS s for $WORKSPACE_NAME; reporting to $KEEPER_URL"
reported=      # checksum of the entry the keeper last accepted
reported_at=0  # when, in epoch seconds
retry_at=0     # no report before this, after a failure
backoff=$POLL_SECONDS
problem=       # the last problem logged, so each is logged once
while :; do
  now=$(date +%s)
  if entry=$(extract_entry 2> /dev/null); then
    sum=$(printf '%s' "$entry" | sha256sum | cut -c1-64)
    due=no
    if [ "$sum" != "$reported" ] || [ $((now - reported_at)) -ge "$REPORT_SECONDS" ]; then
      due=yes
    fi
    if [ "$due" = yes ] && [ "$now" -ge "$retry_at" ]; then
      if report; then
        if [ "$sum" != "$reported" ] || [ -n "$problem" ]; then
          log "reported credential $credential (HTTP $status)"
        fi
        reported=$sum
        reported_at=$now
        retry_at=0
        backoff=$POLL_SECONDS
        problem=
      else
        why="the keeper answered HTTP $status"
        [ "$status" = none ] && why="no answer from the keeper"
        [ -n "$token_problem" ] && why=$token_problem
        if [ "$why" != "$problem" ]; then
          log "report not accepted ($why); trying again, waiting up to 30 s between tries"
          problem=$why
        fi
        if [ "$status" = 503 ]; then
          retry_at=0 # the next poll: the next connection may reach the leader
        else
          retry_at=$((now + backoff))
          backoff=$((backoff * 2))
          [ "$backoff" -le 30 ] || backoff=30
        fi
      fi
    fi
  else
    why="$AUTH_JSON is missing, unreadable or holds no github-copilot entry"
    if [ "$why" != "$problem" ]; then
      log "$why; nothing to report"
      problem=$why
    fi
  fi
  entry=
  sleep "$POLL_SECONDS"
done
