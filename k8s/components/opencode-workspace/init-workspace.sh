#!/bin/sh
# Prepares a workspace's PVC before OpenCode starts. Runs as the init container of every workspace
# pod (alpine/git, busybox ash) and, unchanged, in the tests (sh and busybox sh).
#
# 1. Seeds the Secret's github-copilot entry into OpenCode's auth.json ($XDG_DATA_HOME/opencode/),
#    only when the workspace has none or when the Secret's entry changed since the last one this
#    script seeded (docs/workspace-auth.md): a reseed wins once; a login made in the workspace (its
#    web UI, `opencode auth login`) survives any number of restarts, and every other provider of the
#    file stays as it is. Details below, at "auth.json".
# 2. Clones $GIT_REPO_URL into $WORKSPACE_DIR once: a complete clone (.git with a valid HEAD) is
#    left alone; anything else in the folder is a half-finished clone and is cleared first.
#    The PAT reaches git through a credential helper that reads it from the Secret's file when git
#    asks and answers on a pipe: never written to any file, never in a URL, never in a process's
#    arguments or environment, never printed. No `set -x` here, ever.
# 3. Copies this image's git into $GIT_BUNDLE_DIR on every start, for the OpenCode container (whose
#    image has no git): bin/git (a wrapper that gives git alone the copied libraries),
#    libexec/git-core (git and its helpers), lib (the shared libraries ldd names, the C library
#    and its loader excepted: those are the OpenCode image's), share/git-core/templates.
# 4. Writes the commit identity GIT_USER_NAME / GIT_USER_EMAIL into $HOME/.gitconfig on every
#    start (both or neither). No credential is written anywhere: the workspace is clone-only.
#
# Inputs (environment): GIT_REPO_URL (required), XDG_DATA_HOME (required), WORKSPACE_DIR
# (default /workspace), HOME, XDG_CONFIG_HOME, XDG_STATE_HOME (created when set), SECRETS_DIR
# (default /secrets; file GITHUB_PAT, optional), CREDENTIAL_DIR (default /credential; file
# COPILOT_AUTH_JSON), GIT_BRANCH (optional), GIT_USERNAME (default x-access-token), WORKSPACE_OWNER
# (default 1000:1000), TMPDIR (default /tmp: in the pod a folder no other container mounts; copies
# of the credential are made there), GIT_BUNDLE_DIR (optional; where git is copied), GIT_USER_NAME
# and GIT_USER_EMAIL (optional, both or neither).
#
# Secrets (the PAT, the Secret's auth.json, the workspace's auth.json) are read through
# redirections only: their content never becomes a process argument, and no line printed here
# holds any of it.
#
# Delivered by a kustomize configMapGenerator into a Kustomization that Flux substitutes after the
# build: this file must never contain a dollar sign followed by an opening brace (Flux would
# replace it). A test compares the built, substituted ConfigMap with this file byte for byte.
set -e

log() { printf 'init-workspace: %s\n' "$*"; }
warn() { printf 'init-workspace: WARNING: %s\n' "$*" >&2; }
fail() {
  printf 'init-workspace: ERROR: %s\n' "$*" >&2
  exit 1
}

# ---- inputs, all checked before anything changes ------------------------------------------------
[ -n "$GIT_REPO_URL" ] || fail "GIT_REPO_URL is not set (the workspace repository)"
[ -n "$XDG_DATA_HOME" ] || fail "XDG_DATA_HOME is not set (OpenCode reads \$XDG_DATA_HOME/opencode/auth.json)"
[ -n "$WORKSPACE_DIR" ] || WORKSPACE_DIR=/workspace
[ -n "$SECRETS_DIR" ] || SECRETS_DIR=/secrets
[ -n "$CREDENTIAL_DIR" ] || CREDENTIAL_DIR=/credential
[ -n "$TMPDIR" ] || TMPDIR=/tmp
OWNER=$WORKSPACE_OWNER
[ -n "$OWNER" ] || OWNER=1000:1000
[ -n "$GIT_USERNAME" ] || GIT_USERNAME=x-access-token
case "$WORKSPACE_DIR" in
  /) fail "WORKSPACE_DIR must not be /" ;;
esac
auth_source="$CREDENTIAL_DIR/COPILOT_AUTH_JSON"
pat_source="$SECRETS_DIR/GITHUB_PAT"

case "$GIT_REPO_URL" in
  http://*@* | https://*@*)
    # The URL itself is not printed: it may hold a token.
    fail "GIT_REPO_URL carries credentials; give the PAT through the Secret key GITHUB_PAT instead" ;;
esac
case "$GIT_BUNDLE_DIR" in
  '') ;;
  / | *"'"*) fail "GIT_BUNDLE_DIR must not be / nor hold a single quote" ;;
  /*) ;;
  *) fail "GIT_BUNDLE_DIR must be an absolute path" ;;
esac
if [ -n "$GIT_USER_NAME" ] || [ -n "$GIT_USER_EMAIL" ]; then
  if [ -z "$GIT_USER_NAME" ] || [ -z "$GIT_USER_EMAIL" ]; then
    fail "GIT_USER_NAME and GIT_USER_EMAIL go together (the commit identity); set both or neither"
  fi
  case "$GIT_USER_EMAIL" in
    *'<'* | *'>'* | *' '*) fail "GIT_USER_EMAIL must be a plain address (no spaces, no angle brackets)" ;;
    ?*@?*) ;;
    *) fail "GIT_USER_EMAIL must be an address (name@domain)" ;;
  esac
  case "$GIT_USER_NAME" in
    *'<'* | *'>'*) fail "GIT_USER_NAME must not hold angle brackets" ;;
  esac
  [ -n "$HOME" ] || fail "HOME is not set (the commit identity goes into \$HOME/.gitconfig)"
fi

# ---- folders on the PVC, owned by the workspace user ---------------------------------------------
# Creates a folder and each missing parent, every one owned by $OWNER (kubelet or a root run would
# otherwise leave root-owned parents the UID 1000 server cannot write to).
ensure_dir() {
  if [ -z "$1" ] || [ -d "$1" ]; then
    return 0
  fi
  ensure_dir "$(dirname "$1")"
  mkdir "$1"
  chown "$OWNER" "$1"
}
for dir in "$WORKSPACE_DIR" "$HOME" "$XDG_DATA_HOME/opencode" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"; do
  [ -z "$dir" ] || ensure_dir "$dir"
done

staging_dir=$(mktemp -d "$TMPDIR/init-workspace.XXXXXX")
auth_target="$XDG_DATA_HOME/opencode/auth.json"
auth_partial="$auth_target.partial"
marker="$auth_target.seeded"
marker_partial="$marker.partial"
cleanup() { rm -rf "$staging_dir" "$auth_partial" "$marker_partial"; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# ---- auth.json, on every start -------------------------------------------------------------------
# OpenCode keeps every provider's credential in auth.json, one member per provider id; the person may
# add providers and log in to Copilot in the workspace itself. So the file is never replaced: only
# its "github-copilot" member is written, and only when
#   - the file is missing, empty, unreadable or not JSON (OpenCode cannot use it either; a file that
#     was there is kept beside it as auth.json.invalid-<UTC time>), or has no github-copilot member;
#   - or the Secret's github-copilot entry differs from the one seeded last: the marker
#     auth.json.seeded holds the SHA-256 of that entry's text. A changed Secret (a reseed) is seeded
#     once; after that the workspace's own entry stays, whatever it became. Without a marker (the
#     first start of this version, or the marker removed) the Secret's entry wins, as it always did.
# Anything the parser below cannot read with certainty (not one JSON object, a top-level name twice,
# control bytes or a NUL, bytes outside ASCII outside strings, more than 64 KiB, nesting deeper than
# 32) is left byte for byte: one warning, and the pod starts with what it has. The same for a Secret
# without a usable github-copilot entry: auth.json keeps what it has.
#
# The parser: awk (busybox's in the image; alpine/git has no jq), in the C locale (bytes), a strict
# JSON tokenizer (RFC 8259: strings with their escapes, numbers, literals, arrays, objects) over the
# whole file. It records where the top-level github-copilot value starts and ends, and a new file is
# the old one's bytes with that value replaced (or the member inserted after the opening brace):
# every other byte, other providers and formatting included, stays as it was. Names at the top level
# are compared as JSON defines them (escapes decoded), so "github\u002dcopilot" is the same member.
# Exit codes: 10 found (get prints the value), 11 no github-copilot member, 12 not JSON, 13 not read
# with certainty, 15 empty; put prints the new document. Reasons name a position, never content.
# shellcheck disable=SC2016 # the awk program's $0 and fields are awk's, not the shell's
json_program='
function fail(code, why) {
  if (!ERR) { ERR = code; WHY = why; EPOS = P }
  return 0
}
function isdigit(c) { return c != "" && index("0123456789", c) > 0 }
function ishex(c) { return c != "" && index("0123456789abcdefABCDEF", c) > 0 }
function unexpected(what) {
  if (P > N) return fail(12, "the file ends where " what " should be")
  if (!index(PLAIN, CH[P])) return fail(13, "a control byte or a byte outside ASCII where " what " should be")
  return fail(12, "an unexpected character where " what " should be")
}
function ws() {
  while (P <= N && (CH[P] == " " || CH[P] == "\t" || CH[P] == "\n" || CH[P] == "\r")) P++
}
function value(depth,    c) {
  if (depth > 32) return fail(13, "values nested deeper than 32 levels")
  if (P > N) return unexpected("a value")
  c = CH[P]
  if (c == "{") return object(depth)
  if (c == "[") return array(depth)
  if (c == "\"") return string(0)
  if (c == "-" || isdigit(c)) return number()
  if (c == "t") return literal("true")
  if (c == "f") return literal("false")
  if (c == "n") return literal("null")
  return unexpected("a value")
}
function literal(word,    i) {
  for (i = 1; i <= length(word); i++) {
    if (CH[P] != substr(word, i, 1)) return unexpected("a literal")
    P++
  }
  return 1
}
function number() {
  if (CH[P] == "-") P++
  if (CH[P] == "0") P++
  else if (isdigit(CH[P])) { while (isdigit(CH[P])) P++ }
  else return unexpected("a number")
  if (CH[P] == ".") {
    P++
    if (!isdigit(CH[P])) return unexpected("a digit")
    while (isdigit(CH[P])) P++
  }
  if (CH[P] == "e" || CH[P] == "E") {
    P++
    if (CH[P] == "+" || CH[P] == "-") P++
    if (!isdigit(CH[P])) return unexpected("a digit")
    while (isdigit(CH[P])) P++
  }
  return 1
}
# A string, from its opening quote. With want, KEY gets its text in one spelling per name (escapes
# of printable ASCII decoded, control characters as \u00xx); UNSURE is set by an escaped non-ASCII
# character. Bytes of 0x80 and above pass as they are (UTF-8); control bytes are refused.
function string(want,    c, i, h, n) {
  P++
  KEY = ""
  UNSURE = 0
  while (1) {
    if (P > N) return unexpected("the end of a string")
    c = CH[P]
    if (c == "\"") { P++; return 1 }
    if (c == "\\") {
      P++
      c = CH[P]
      if (c == "\"" || c == "\\" || c == "/") { if (want) KEY = KEY c; P++; continue }
      if (c == "b" || c == "f" || c == "n" || c == "r" || c == "t") {
        n = c == "b" ? 8 : c == "f" ? 12 : c == "n" ? 10 : c == "r" ? 13 : 9
        if (want) KEY = KEY sprintf("\\u%04x", n)
        P++
        continue
      }
      if (c != "u") return unexpected("an escape")
      h = ""
      for (i = 1; i <= 4; i++) {
        if (!ishex(CH[P + i])) { P += i; return unexpected("four hex digits") }
        h = h CH[P + i]
      }
      P += 5
      n = hex(h)
      if (n >= 128) UNSURE = 1
      else if (want) KEY = KEY (n < 32 ? sprintf("\\u%04x", n) : sprintf("%c", n))
      continue
    }
    if (index(CONTROL, c)) return fail(13, "a control byte inside a string")
    if (want) KEY = KEY c
    P++
  }
}
function hex(h,    i, n) {
  n = 0
  for (i = 1; i <= 4; i++) n = n * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
  return n
}
function array(depth) {
  P++
  ws()
  if (CH[P] == "]") { P++; return 1 }
  while (1) {
    ws()
    if (!value(depth + 1)) return 0
    ws()
    if (CH[P] == ",") { P++; continue }
    if (CH[P] == "]") { P++; return 1 }
    return unexpected("a comma or a closing bracket")
  }
}
# An object; at depth 1 (the document) it records OPEN (its brace), EMPTY, and VS..VE, the bytes of
# the github-copilot value, and refuses a name given twice.
function object(depth,    top, key, start) {
  top = depth == 1
  if (top) OPEN = P
  P++
  ws()
  if (CH[P] == "}") { P++; if (top) EMPTY = 1; return 1 }
  while (1) {
    ws()
    if (CH[P] != "\"") return unexpected("a member name")
    if (!string(top)) return 0
    if (top) {
      if (UNSURE) return fail(13, "a top-level name with an escaped non-ASCII character")
      key = KEY
      if (key in SEEN) return fail(13, "a top-level name given twice")
      SEEN[key] = 1
    }
    ws()
    if (CH[P] != ":") return unexpected("a colon")
    P++
    ws()
    start = P
    if (!value(depth + 1)) return 0
    if (top && key == "github-copilot") { VS = start; VE = P - 1 }
    ws()
    if (CH[P] == ",") { P++; continue }
    if (CH[P] == "}") { P++; return 1 }
    return unexpected("a comma or a closing brace")
  }
}
function emit(from, to,    i) {
  for (i = from; i <= to; i++) printf "%s", CH[i]
}
BEGIN {
  for (i = 32; i < 128; i++) PLAIN = PLAIN sprintf("%c", i)
  for (i = 1; i < 32; i++) CONTROL = CONTROL sprintf("%c", i)
}
{ L[++NL] = $0; total += length($0) + 1 }
END {
  # The bytes as read must be the file (size, from wc -c): with or without a final newline.
  if (total == size) trail = 1
  else if (total == size + 1 || NL == 0 && size == 0) trail = 0
  else { print "awk read it otherwise than wc counts its bytes" > "/dev/stderr"; exit 13 }
  N = 0
  for (k = 1; k <= NL; k++) {
    n = split(L[k], c, "")
    for (i = 1; i <= n; i++) CH[++N] = c[i]
    if (k < NL || trail) CH[++N] = "\n"
  }
  P = 1
  ws()
  if (P > N) exit 15
  if (CH[P] != "{") {
    if (value(1)) fail(13, "it is JSON, but not an object")
  } else if (object(1)) {
    ws()
    if (P <= N) unexpected("the end of the file")
  }
  if (ERR) {
    line = 1
    col = 0
    for (i = 1; i <= EPOS && i <= N; i++) { if (CH[i] == "\n") { line++; col = 0 } else col++ }
    printf "%s (line %d, byte %d)\n", WHY, line, col > "/dev/stderr"
    exit ERR
  }
  if (mode == "get") {
    if (!VS) exit 11
    emit(VS, VE)
    exit 10
  }
  if (mode == "put") {
    new = ""
    while ((r = getline line < entry) > 0) new = (got++ ? new "\n" : "") line
    if (r < 0 || !got) { print "the new entry could not be read" > "/dev/stderr"; exit 13 }
    if (VS) { emit(1, VS - 1); printf "%s", new; emit(VE + 1, N) }
    else { emit(1, OPEN); printf "\"github-copilot\":%s%s", new, EMPTY ? "" : ","; emit(OPEN + 1, N) }
    exit 0
  }
  exit 13
}
'

# json MODE FILE [ENTRY]: runs the parser on FILE; json_status is its exit code, json_reason why.
json() {
  json_status=13
  json_reason="the parser did not run"
  bytes=$(($(wc -c < "$2")))
  if [ "$bytes" -gt 65536 ]; then
    json_reason="it is larger than 65536 bytes"
    return 0
  fi
  if [ "$(($(tr -d '\000' < "$2" | wc -c)))" -ne "$bytes" ]; then
    json_reason="it holds a NUL byte"
    return 0
  fi
  json_status=0
  LC_ALL=C awk -v mode="$1" -v size="$bytes" -v entry="$3" "$json_program" < "$2" 2> "$staging_dir/reason" || json_status=$?
  json_reason=$(head -n 1 "$staging_dir/reason")
  case "$json_status" in
    0 | 10 | 11 | 12 | 13 | 15) ;;
    *) json_reason="awk failed with status $json_status: $json_reason" ;;
  esac
}

# The new auth.json from $auth_partial: owner and mode first, then one rename (atomic on the PVC).
install_auth() {
  chown "$OWNER" "$auth_partial"
  chmod 600 "$auth_partial"
  mv -f "$auth_partial" "$auth_target"
}

# Records the Secret's entry as the one seeded last, after auth.json holds it.
record_seeded() {
  printf '%s\n' "$seeded" > "$marker_partial"
  chown "$OWNER" "$marker_partial"
  chmod 600 "$marker_partial"
  mv -f "$marker_partial" "$marker"
}

# auth.json with the Secret's entry as its only member.
write_fresh() {
  {
    printf '{"github-copilot":'
    cat < "$staging_dir/entry.json"
    printf '}\n'
  } > "$auth_partial"
  install_auth
  record_seeded
}

# auth.json with its github-copilot value replaced by (or added as) the Secret's entry.
write_merged() {
  json put "$staging_dir/auth.json" "$staging_dir/entry.json" > "$auth_partial"
  if [ "$json_status" != 0 ]; then
    rm -f "$auth_partial"
    warn "auth.json left as it was: merging the Secret's github-copilot entry failed ($json_reason)"
    return 1
  fi
  install_auth
  record_seeded
}

# Moves the file OpenCode cannot use out of the way, keeping it; prints the name it got.
set_aside() {
  aside="$auth_target.invalid-$(date -u +%Y%m%dT%H%M%SZ)"
  [ ! -e "$aside" ] || aside="$aside-$$"
  mv "$auth_target" "$aside"
  printf '%s\n' "$aside"
}

seed_auth() {
  rm -f "$auth_partial" "$marker_partial" # left by a start that was killed
  if [ ! -s "$auth_source" ]; then
    warn "auth.json left as it was: $auth_source is missing or empty"
    return 0
  fi
  # A private copy: kubelet may swap the mounted Secret's files while this runs.
  if ! cat < "$auth_source" > "$staging_dir/credential.json" 2> /dev/null; then
    warn "auth.json left as it was: $auth_source could not be read"
    return 0
  fi
  json get "$staging_dir/credential.json" > "$staging_dir/entry.json"
  case "$json_status" in
    10) ;;
    11)
      warn "auth.json left as it was: $auth_source has no github-copilot entry"
      return 0 ;;
    15)
      warn "auth.json left as it was: $auth_source holds no JSON"
      return 0 ;;
    *)
      warn "auth.json left as it was: $auth_source is not a JSON object this script reads with certainty ($json_reason)"
      return 0 ;;
  esac
  if [ "$(head -c 1 < "$staging_dir/entry.json")" != "{" ]; then
    warn "auth.json left as it was: the github-copilot entry of $auth_source is not a JSON object"
    return 0
  fi
  seeded=$(sha256sum < "$staging_dir/entry.json" | cut -d ' ' -f 1)
  last=
  if [ -f "$marker" ]; then
    IFS= read -r last < "$marker" || true
  fi

  if [ -L "$auth_target" ] || { [ -e "$auth_target" ] && [ ! -f "$auth_target" ]; }; then
    warn "auth.json left as it was: $auth_target is not a regular file"
    return 0
  fi
  if [ ! -e "$auth_target" ]; then
    write_fresh
    log "auth.json created with the Secret's github-copilot entry (0600, $OWNER)"
    return 0
  fi
  if ! cat < "$auth_target" > "$staging_dir/auth.json" 2> /dev/null; then
    aside=$(set_aside)
    write_fresh
    log "auth.json could not be read: kept as $aside; written anew with the Secret's github-copilot entry"
    return 0
  fi
  json get "$staging_dir/auth.json" > "$staging_dir/current.json"
  case "$json_status" in
    15)
      write_fresh
      log "auth.json was empty: written with the Secret's github-copilot entry" ;;
    12)
      aside=$(set_aside)
      write_fresh
      log "auth.json was not JSON ($json_reason): kept as $aside; written anew with the Secret's github-copilot entry" ;;
    11)
      write_merged || return 0
      log "auth.json had no github-copilot entry: the Secret's added, every other provider kept" ;;
    10)
      current=$(sha256sum < "$staging_dir/current.json" | cut -d ' ' -f 1)
      if [ "$last" = "$seeded" ]; then
        if [ "$current" = "$seeded" ]; then
          log "auth.json kept: it holds the Secret's github-copilot entry"
        else
          log "auth.json kept: its github-copilot entry is the workspace's own (the Secret's is unchanged since it was seeded)"
        fi
      elif [ "$current" = "$seeded" ]; then
        record_seeded
        log "auth.json kept: it already holds the Secret's github-copilot entry"
      else
        write_merged || return 0
        if [ -z "$last" ]; then
          log "auth.json: no record of an earlier seed, the Secret's github-copilot entry written; every other provider kept"
        else
          log "auth.json: the Secret's github-copilot entry changed since it was seeded and replaces the file's; every other provider kept"
        fi
      fi ;;
    *)
      warn "auth.json left as it was: this script cannot read it with certainty ($json_reason)" ;;
  esac
}
(
  umask 077
  seed_auth
)

# ---- git for the OpenCode container, on every start ---------------------------------------------
# From this image's own git, wherever its layout puts it: `git --exec-path` names git-core, the
# templates sit beside it (share/git-core/templates of the same prefix), ldd names the libraries.
is_elf() {
  case "$(head -c 4 "$1" 2> /dev/null)" in
    ?ELF) return 0 ;;
  esac
  return 1
}
# Copies the libraries ldd names for $1 into $GIT_BUNDLE_DIR/lib, the C library and its loader
# excepted (the binaries name the loader by its absolute path: the OpenCode image's own is used).
copy_libraries() {
  ldd "$1" > "$staging_dir/ldd" 2>&1 || fail "ldd $1 failed: $(head -n 1 "$staging_dir/ldd")"
  if grep -q 'not found' "$staging_dir/ldd"; then
    fail "$1 needs a library this image does not have: $(grep 'not found' "$staging_dir/ldd" | head -n 1)"
  fi
  sed -n 's|^[[:space:]]*\([^[:space:]]*\) => \(/[^[:space:]]*\).*|\1 \2|p' "$staging_dir/ldd" > "$staging_dir/libs"
  while read -r soname path; do
    case "$soname" in
      ld-* | libc.so* | libc.musl-*) continue ;;
    esac
    if [ ! -e "$GIT_BUNDLE_DIR/lib/$soname" ]; then
      cp -L "$path" "$GIT_BUNDLE_DIR/lib/$soname"
      library_count=$((library_count + 1))
    fi
  done < "$staging_dir/libs"
}
if [ -n "$GIT_BUNDLE_DIR" ]; then
  git_binary=$(command -v git) || fail "no git on this image's PATH to copy"
  git_core=$(git --exec-path) || fail "git --exec-path failed"
  [ -d "$git_core" ] || fail "git's exec path $git_core is not a folder"
  git_templates="$(dirname "$(dirname "$git_core")")/share/git-core/templates"
  ensure_dir "$GIT_BUNDLE_DIR"
  # The folder may be a mount point (an emptyDir): clear what an earlier start left, not the folder.
  # shellcheck disable=SC2115 # GIT_BUNDLE_DIR is never empty or / here: both are refused above.
  rm -rf "$GIT_BUNDLE_DIR/bin" "$GIT_BUNDLE_DIR/libexec" "$GIT_BUNDLE_DIR/lib" "$GIT_BUNDLE_DIR/share"
  mkdir -p "$GIT_BUNDLE_DIR/bin" "$GIT_BUNDLE_DIR/libexec" "$GIT_BUNDLE_DIR/lib" "$GIT_BUNDLE_DIR/share/git-core"
  cp -a "$git_core" "$GIT_BUNDLE_DIR/libexec/git-core"
  rm -f "$GIT_BUNDLE_DIR/libexec/git-core/git"
  cp -L "$git_binary" "$GIT_BUNDLE_DIR/libexec/git-core/git"
  if [ -d "$git_templates" ]; then
    cp -a "$git_templates" "$GIT_BUNDLE_DIR/share/git-core/templates"
  else
    mkdir "$GIT_BUNDLE_DIR/share/git-core/templates"
  fi
  library_count=0
  for file in "$GIT_BUNDLE_DIR"/libexec/git-core/*; do
    if [ -f "$file" ] && [ ! -L "$file" ] && is_elf "$file"; then
      copy_libraries "$file"
    fi
  done
  # The libraries for git and what it starts (its helpers, hooks), not for OpenCode's own process.
  printf '#!/bin/sh\n# git copied from the init container image by init-workspace.sh.\nLD_LIBRARY_PATH=%s exec %s "$@"\n' \
    "'$GIT_BUNDLE_DIR/lib'" "'$GIT_BUNDLE_DIR/libexec/git-core/git'" > "$GIT_BUNDLE_DIR/bin/git"
  chmod 755 "$GIT_BUNDLE_DIR/bin/git"
  log "git $(git --version | sed 's/^git version //') copied to $GIT_BUNDLE_DIR ($library_count libraries)"
fi

# ---- the commit identity, on every start -----------------------------------------------------------
if [ -n "$GIT_USER_NAME" ]; then
  git config --file "$HOME/.gitconfig" user.name "$GIT_USER_NAME"
  git config --file "$HOME/.gitconfig" user.email "$GIT_USER_EMAIL"
  chown "$OWNER" "$HOME/.gitconfig"
  log "commit identity $GIT_USER_NAME <$GIT_USER_EMAIL> written to $HOME/.gitconfig"
else
  log "no GIT_USER_NAME / GIT_USER_EMAIL; $HOME/.gitconfig left as it was"
fi

# ---- the clone, only when there is no complete one -----------------------------------------------
# git here never reads the configuration the agent can write ($HOME/.gitconfig and
# $XDG_CONFIG_HOME/git/config are on the PVC): GIT_CONFIG_GLOBAL=/dev/null.
is_complete_clone() {
  [ -d "$WORKSPACE_DIR/.git" ] \
    && GIT_CONFIG_GLOBAL=/dev/null git -c safe.directory="$WORKSPACE_DIR" -C "$WORKSPACE_DIR" rev-parse --verify --quiet HEAD > /dev/null 2>&1
}

if is_complete_clone; then
  log "$WORKSPACE_DIR is already a clone; not cloning"
  exit 0
fi

if [ -n "$(ls -A "$WORKSPACE_DIR")" ]; then
  log "$WORKSPACE_DIR holds a half-finished clone; clearing it"
  # Clear the contents, not the folder: it may be a mount point. (WORKSPACE_DIR is never empty
  # or / here: both are refused above.)
  # shellcheck disable=SC2115
  rm -rf "$WORKSPACE_DIR"/* "$WORKSPACE_DIR"/.[!.]* "$WORKSPACE_DIR"/..?*
fi

# The PAT reaches git through this credential helper and nothing else: git runs it (`!` snippets run
# with /bin/sh) with the action (get, store, erase) as $1 and the request on stdin. For `get` of the
# repository's own scheme and host it reads the PAT from the Secret's file with `read` and hands it
# over on git's pipe with `printf`, both shell builtins; store and erase are read and ignored. So no
# file ever holds the PAT (nothing is left behind, whatever kills this container), and no process
# has it in its arguments or environment: the variables below name the file, not its content.
# shellcheck disable=SC2016 # expanded by the helper's shell, when git runs it
credential_helper='!f() { wanted=0; while IFS= read -r line && [ -n "$line" ]; do case "$line" in "protocol=$INIT_GIT_PROTOCOL" | "host=$INIT_GIT_HOST") wanted=$((wanted + 1)) ;; esac; done; [ "$1" = get ] && [ "$wanted" = 2 ] && [ -s "$INIT_GIT_PAT_FILE" ] || return 0; pat=; IFS= read -r pat < "$INIT_GIT_PAT_FILE" || [ -n "$pat" ]; printf "username=%s\npassword=%s\n" "$INIT_GIT_USERNAME" "$pat"; }; f'
INIT_GIT_PAT_FILE=
case "$GIT_REPO_URL" in
  http://* | https://*)
    if [ -s "$pat_source" ]; then
      INIT_GIT_PAT_FILE=$pat_source
      log "cloning with the PAT from $pat_source (through a credential helper; no file holds it)"
    else
      log "no PAT in $pat_source; cloning anonymously"
    fi ;;
esac
# What git names in its request: the URL's scheme, and its host with the port when it has one.
INIT_GIT_PROTOCOL=$(printf '%s\n' "$GIT_REPO_URL" | sed -e 's|:.*$||')
INIT_GIT_HOST=$(printf '%s\n' "$GIT_REPO_URL" | sed -e 's|^[A-Za-z][A-Za-z0-9+.-]*://||' -e 's|/.*$||')
INIT_GIT_USERNAME=$GIT_USERNAME
export INIT_GIT_PAT_FILE INIT_GIT_PROTOCOL INIT_GIT_HOST INIT_GIT_USERNAME

log "cloning $GIT_REPO_URL into $WORKSPACE_DIR"
set -- clone --quiet
if [ -n "$GIT_BRANCH" ]; then
  set -- "$@" --branch "$GIT_BRANCH"
fi
# HOME is an empty private folder (curl would read a .netrc in HOME); the only credential helper is
# the one above; no prompt may wait for input.
if ! HOME="$staging_dir" GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 \
  git -c credential.helper= -c "credential.helper=$credential_helper" "$@" -- "$GIT_REPO_URL" "$WORKSPACE_DIR"; then
  fail "git clone of $GIT_REPO_URL failed; the next start clears the folder and tries again"
fi
chown -R "$OWNER" "$WORKSPACE_DIR"
log "cloned $(GIT_CONFIG_GLOBAL=/dev/null git -c safe.directory="$WORKSPACE_DIR" -C "$WORKSPACE_DIR" rev-parse --short HEAD)"
