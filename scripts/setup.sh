#!/usr/bin/env bash
# Install what the desk interpreter needs, then the project itself into .venv.
#
# Usage: scripts/setup.sh [--lean | --dev]
#
#   (no option)  runtime: Debian libportaudio2 (microphone access through sounddevice), the
#                X libraries and fonts the desk window needs, libvoikko1 and voikko-fi
#                (Finnish base forms for the glossary), a Python 3.11 virtual environment
#                in .venv and `pip install -e ".[convert]"`: the app, and torch
#                (TORCH_VERSION) and transformers, which convert the translation models
#                `interpreter models install` fetches to CTranslate2.
#   --lean       the app without torch and transformers (`pip install -e .`, about 1 GB
#                less). It runs translation models that have a CTranslate2 copy: installed
#                on a machine with the runtime install and brought over with
#                `interpreter models export` / `import`. Does not remove torch from an
#                existing .venv; delete .venv first for a lean one.
#   --dev        also the test and lint tools (`pip install -e ".[dev]"`, conversion tools
#                included) and the Debian packages the tests use: Festival's second
#                Finnish voice, sox, the LibriVox test clips, PulseAudio for the virtual
#                microphone and speaker, and Xvfb for the window screenshots.
#
# Safe to run again: only what is missing is installed, so a second run takes seconds.
# Works from any directory. Set VERBOSE=1 to see the full apt and pip output.
# Environment: PYTHON=/path/to/python3.11 picks the interpreter used to create .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV=".venv"
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"
STAMP="$VENV/.setup-stamp"
# The desk window (Qt's xcb platform) needs libxcb-cursor0 and friends, which a desktop
# often lacks; fonts-noto-core draws Arabic and Persian; libvoikko1 and its Finnish
# dictionary voikko-fi give the glossary the base forms of Finnish words. Speech output:
# espeak-ng speaks every client language but Somali with no download (and gives the neural
# voices their phonemes); Festival with the Suopuhe voice speaks Finnish. Both run as
# separate programs.
RUNTIME_DEBS=(libportaudio2 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-noto-core
    libvoikko1 voikko-fi espeak-ng festival festvox-suopuhe-lj)
DEV_DEBS=(festvox-suopuhe-mv sox pocketsphinx-testdata
    pulseaudio libasound2-plugins xvfb xauth)

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

# MODE: lean (the app), runtime (the app and the conversion tools) or dev (all, and tests).
MODE=runtime
for arg in "$@"; do
    case "$arg" in
        --dev) MODE=dev ;;
        --lean) MODE=lean ;;
        -h | --help) usage; exit 0 ;;
        *) echo "setup: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
DEV=0
[[ "$MODE" == dev ]] && DEV=1

VERBOSE="${VERBOSE:-0}"

step() { printf '==> %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# quietly COMMAND...: runs the command; its output is shown only when it fails (or VERBOSE=1).
quietly() {
    if [[ "$VERBOSE" == 1 ]]; then
        "$@"
        return
    fi
    local log status=0
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || status=$?
    if [[ "$status" != 0 ]]; then
        tail -n 60 "$log" >&2
        rm -f "$log"
        die "failed (exit code $status): $*"
    fi
    rm -f "$log"
}

# --- Debian packages --------------------------------------------------------------------

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Prints how to run a command as root: nothing when we are root, "sudo" when it exists.
# Returns 1 when neither is possible.
root_prefix() {
    if [[ "$(id -u)" == 0 ]]; then
        return 0
    elif command -v sudo >/dev/null 2>&1; then
        echo sudo
    else
        return 1
    fi
}

# install_debs REQUIRED PACKAGE...: installs the missing packages. When that is impossible
# (not root, no sudo, not Debian) it prints the command to run and stops if REQUIRED=1.
install_debs() {
    local required="$1"
    shift
    local missing=() pkg prefix
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "not a Debian-based system: make sure these are installed: $*"
        [[ "$required" == 1 ]] && die "cannot check for required packages without dpkg"
        return 0
    fi
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "    already installed: $*"
        return 0
    fi
    if ! prefix="$(root_prefix)"; then
        local cmd="apt-get update && apt-get install -y ${missing[*]}"
        if [[ "$required" == 1 ]]; then
            die "missing Debian packages; as root, run: $cmd"
        fi
        warn "missing Debian packages (some features or tests will be skipped); as root, run:"
        warn "  $cmd"
        return 0
    fi
    echo "    installing: ${missing[*]}"
    local run=(env DEBIAN_FRONTEND=noninteractive)
    [[ -n "$prefix" ]] && run=("$prefix" "${run[@]}")
    quietly "${run[@]}" apt-get update
    quietly "${run[@]}" apt-get install -y "${missing[@]}"
}

# --- Python 3.11 --------------------------------------------------------------------------

python_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

# Prints the path of a Python 3.11: $PYTHON when set (and nothing else), else python3.11/python3.
find_python() {
    local candidate candidates=(python3.11 python3)
    [[ -n "${PYTHON:-}" ]] && candidates=("$PYTHON")
    for candidate in "${candidates[@]}"; do
        if command -v "$candidate" >/dev/null 2>&1 && [[ "$(python_version "$candidate")" == 3.11 ]]; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

venv_ok() {
    [[ -x "$VENV/bin/python" ]] && [[ "$(python_version "$VENV/bin/python")" == 3.11 ]] \
        && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

# --- main -------------------------------------------------------------------------------

debs=("${RUNTIME_DEBS[@]}")
[[ "$DEV" == 1 ]] && debs+=("${DEV_DEBS[@]}")

if ! venv_ok; then
    step "Python 3.11"
    if ! PY="$(find_python)"; then
        # A fresh Debian 12 ships Python 3.11 as a package; elsewhere the user must install it.
        if command -v apt-get >/dev/null 2>&1 && grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
            install_debs 1 python3.11 python3.11-venv
        fi
        found="$(python_version "${PYTHON:-python3}" || true)"
        PY="$(find_python)" || die "Python 3.11 is required (${PYTHON:-python3} is ${found:-missing}). \
Install it (Debian 12: apt-get install python3.11 python3.11-venv) or point PYTHON at one: \
PYTHON=/path/to/python3.11 $0"
    fi
    if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        if [[ "$PY" == /usr/bin/* ]]; then
            install_debs 1 python3.11-venv
        else
            die "$PY cannot create virtual environments (no ensurepip module)"
        fi
    fi
    echo "    using $PY ($("$PY" --version 2>&1))"
fi

step "Debian packages ($([[ "$DEV" == 1 ]] && echo "runtime + development" || echo runtime))"
# Without libportaudio2 only the microphone is unavailable; the tests' packages are checked
# again by the tests, which fail in CI and skip elsewhere.
install_debs 0 "${debs[@]}"

step "Virtual environment $VENV"
if venv_ok; then
    echo "    exists ($("$VENV/bin/python" --version 2>&1))"
else
    [[ -e "$VENV" ]] && echo "    $VENV is missing, broken or not Python 3.11: recreating it"
    quietly "$PY" -m venv --clear "$VENV"
    rm -f "$STAMP"
fi

case "$MODE" in
    lean) target=. ;;
    runtime) target=".[convert]" ;;
    dev) target=".[dev]" ;;
esac
step "Python packages (pip install -e \"$target\")"
# The stamp records what was installed for which pyproject.toml; a dev install covers the
# others, a runtime install covers lean.
hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
wanted="$hash $MODE"
have="$(cat "$STAMP" 2>/dev/null || true)"
covered=("$wanted" "$hash dev")
[[ "$MODE" == lean ]] && covered+=("$hash runtime")
up_to_date=0
for covering in "${covered[@]}"; do
    [[ "$have" == "$covering" ]] && up_to_date=1
done
if [[ "$up_to_date" == 1 ]] && "$VENV/bin/python" -m pip check >/dev/null 2>&1; then
    echo "    up to date (delete $STAMP to force a reinstall)"
else
    rm -f "$STAMP"
    pip=("$VENV/bin/python" -m pip install --disable-pip-version-check)
    quietly "${pip[@]}" --upgrade pip
    # Pin the PyTorch release first: left to the resolver, the "torch" range in
    # pyproject.toml could pick a much larger build than model conversion needs.
    if [[ "$MODE" != lean ]] && ! "$VENV/bin/python" -c 'import torch' >/dev/null 2>&1; then
        quietly "${pip[@]}" "torch==$TORCH_VERSION"
    fi
    quietly "${pip[@]}" -e "$target"
    echo "$wanted" >"$STAMP"
    echo "    installed"
fi

step "Setup done"
