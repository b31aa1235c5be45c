#!/bin/sh
# Prepares a workspace's PVC before OpenCode starts. Runs as the init container of every workspace
# pod (alpine/git, busybox ash) and, unchanged, in the tests (sh and busybox sh).
#
# 1. Seeds OpenCode's auth.json from the Secret on every start, so a reseed takes effect on restart:
#    $XDG_DATA_HOME/opencode/auth.json, mode 0600, owner $WORKSPACE_OWNER (default 1000:1000).
# 2. Clones $GIT_REPO_URL into $WORKSPACE_DIR once: a complete clone (.git with a valid HEAD) is
#    left alone; anything else in the folder is a half-finished clone and is cleared first.
#    The PAT reaches git through a throw-away .netrc (0600, outside the PVC, removed on exit):
#    never in the URL, never in a process's arguments, never printed. No `set -x` here, ever.
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
# COPILOT_AUTH_JSON), GIT_BRANCH (optional),
# GIT_USERNAME (default x-access-token), WORKSPACE_OWNER (default 1000:1000), TMPDIR (default /tmp),
# GIT_BUNDLE_DIR (optional; where git is copied), GIT_USER_NAME and GIT_USER_EMAIL (optional, both or
# neither).
#
# Delivered by a kustomize configMapGenerator into a Kustomization that Flux substitutes after the
# build: this file must never contain a dollar sign followed by an opening brace (Flux would
# replace it). A test compares the built, substituted ConfigMap with this file byte for byte.
set -e

log() { printf 'init-workspace: %s\n' "$*"; }
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
[ -s "$auth_source" ] || fail "$auth_source is missing or empty; auth.json left as it was"
# Read through redirections only: the content never becomes a process argument.
if [ "$(tr -d ' \t\r\n' < "$auth_source" | head -c 1)" != "{" ]; then
  fail "$auth_source is not a JSON object; auth.json left as it was"
fi
grep -q '"github-copilot"' < "$auth_source" \
  || fail "$auth_source has no github-copilot entry; auth.json left as it was"
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

# ---- auth.json, on every start -------------------------------------------------------------------
staging_dir=$(mktemp -d "$TMPDIR/init-workspace.XXXXXX")
auth_target="$XDG_DATA_HOME/opencode/auth.json"
auth_partial="$auth_target.partial"
cleanup() { rm -rf "$staging_dir" "$auth_partial"; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

(umask 077 && cat < "$auth_source" > "$auth_partial")
chown "$OWNER" "$auth_partial"
chmod 600 "$auth_partial"
mv -f "$auth_partial" "$auth_target"
log "auth.json written to $auth_target (0600, $OWNER)"

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
is_complete_clone() {
  [ -d "$WORKSPACE_DIR/.git" ] \
    && git -c safe.directory="$WORKSPACE_DIR" -C "$WORKSPACE_DIR" rev-parse --verify --quiet HEAD > /dev/null 2>&1
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

case "$GIT_REPO_URL" in
  http://* | https://*)
    if [ -s "$pat_source" ]; then
      # The host .netrc names: scheme, path and port stripped (the URL holds no credentials).
      host=$(printf '%s\n' "$GIT_REPO_URL" | sed -e 's|^[A-Za-z][A-Za-z0-9+.-]*://||' -e 's|[/:].*$||')
      pat=
      IFS= read -r pat < "$pat_source" || [ -n "$pat" ]
      # printf is a shell builtin: the PAT goes straight into the file, never into argv.
      (umask 077 && printf 'machine %s\nlogin %s\npassword %s\n' "$host" "$GIT_USERNAME" "$pat" > "$staging_dir/.netrc")
      pat=
      log "cloning with the PAT from $pat_source (through .netrc for $host)"
    else
      log "no PAT in $pat_source; cloning anonymously"
    fi ;;
esac

log "cloning $GIT_REPO_URL into $WORKSPACE_DIR"
set -- clone --quiet
if [ -n "$GIT_BRANCH" ]; then
  set -- "$@" --branch "$GIT_BRANCH"
fi
# HOME points git (and curl's .netrc lookup) at the throw-away folder; no prompt may wait for input.
if ! HOME="$staging_dir" GIT_TERMINAL_PROMPT=0 git -c credential.helper= "$@" -- "$GIT_REPO_URL" "$WORKSPACE_DIR"; then
  fail "git clone of $GIT_REPO_URL failed; the next start clears the folder and tries again"
fi
chown -R "$OWNER" "$WORKSPACE_DIR"
log "cloned $(git -c safe.directory="$WORKSPACE_DIR" -C "$WORKSPACE_DIR" rev-parse --short HEAD)"
