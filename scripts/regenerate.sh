#!/usr/bin/env bash
# Regenerates the `easyink_client/` package from openapi/easyink.yaml.
#
# Usage:
#   scripts/regenerate.sh                regenerate easyink_client/ in place
#   scripts/regenerate.sh --check [REF]  generate into a temporary folder and compare it with the
#                                        committed easyink_client/ (prints the diff, exits 1 when
#                                        they differ); then, in a git repository, exits 1 when the
#                                        changes since REF (default HEAD) break Python callers and
#                                        pyproject.toml's version and CHANGELOG.md do not say so
#   scripts/regenerate.sh --report [REF] print a Markdown report of the API changes since git REF
#                                        (default HEAD); exits 0 when nothing is breaking, 3 when
#                                        something is, 2 for usage errors
#
# The report and the release rule are Python (scripts/spec_report/, needs PyYAML and griffe: the
# `dev` extra); they run with REPORT_PYTHON, default the `python3` first on PATH.
# The generator and the formatter it runs are pinned below and installed into a cached virtual
# environment `.cache/regen-venv-<hash>` (the hash covers the pins and the Python minor version),
# so whatever else is installed on the machine never affects the output. openapi-python-client
# 0.29.1 needs Python 3.11 or newer to run (the package it generates supports 3.10): the first of
# `python3`, `python3.13`, `python3.12`, `python3.11` on PATH that is 3.11+ is used, or REGEN_PYTHON.
#
# Inputs: openapi/easyink.yaml, generator-config.yml, scripts/templates/ (template overrides).
# Also derived from the spec, and checked the same way: easyink_ext/_request_schemas.json, the
# request-side schemas that easyink_ext validates input against before sending anything,
# easyink_sandbox/_openapi.json, the whole document that the sandbox reads at start-up, and
# easyink_ext/resources/, the resource layer (`ei.drafts.create(...)`), written by
# scripts/resources_gen.py with the generator's own parser from the spec and the naming table
# scripts/resources.yaml (an operation without a name there stops the run with a message).
set -euo pipefail

# Exact versions of the generator and of everything it imports, so two machines produce the same
# bytes. REQUIREMENTS are installed; CONSTRAINTS pin their dependencies.
REQUIREMENTS='openapi-python-client==0.29.1
ruff==0.17.6
PyYAML==6.0.3'
CONSTRAINTS='annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
attrs==26.1.0
certifi==2026.10.19.post1
h11==0.16.0
httpcore==1.0.9
httpx==0.28.1
idna==3.20
Jinja2==3.1.6
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
pydantic==2.14.4
pydantic_core==2.50.5
Pygments==2.21.0
rich==15.0.0
ruamel.yaml==0.19.1
shellingham==1.5.4
typer==0.27.3
typing-inspection==0.4.5
typing_extensions==4.16.0'
GENERATOR_VERSION='0.29.1'
RUFF_VERSION='0.17.6'

PACKAGE='easyink_client'
SPEC='openapi/easyink.yaml'
CONFIG='generator-config.yml'
TEMPLATES='scripts/templates'
# Run as a file (not `-m`): it needs only the standard library and PyYAML, not easyink_ext's deps.
EXTRACT='scripts/spec_extract.py'
# The resource layer: generated with the pinned generator's parser and templates.
RESOURCES='easyink_ext/resources'
RESOURCES_GEN='scripts/resources_gen.py'
RESOURCES_TABLE='scripts/resources.yaml'

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode='write'
max_args=1
case "${1:-}" in
    '') ;;
    --check) mode='check'; max_args=2 ;;
    --report) mode='report'; max_args=2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
esac
if [[ $# -gt $max_args || "${2:-}" == -* ]]; then
    usage >&2
    exit 2
fi
ref="${2:-HEAD}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo_root"

# Resolved now, before PATH gains the pinned generator environment (which has no griffe).
report_python="$(command -v "${REPORT_PYTHON:-python3}" || true)"
run_report() {
    if [[ -z "$report_python" ]]; then
        echo "regenerate: ${REPORT_PYTHON:-python3} not found (set REPORT_PYTHON)" >&2
        exit 2
    fi
    PYTHONPATH="$repo_root/scripts" "$report_python" -m spec_report --repo "$repo_root" "$@"
}
if [[ "$mode" == 'report' ]]; then
    status=0
    run_report report "$ref" || status=$?
    exit "$status"
fi

for input in "$SPEC" "$CONFIG" "$TEMPLATES" "$RESOURCES_TABLE"; do
    if [[ ! -e "$input" ]]; then
        echo "regenerate: missing input $input" >&2
        exit 2
    fi
done

# Only the pinned environment may influence the tools.
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP VIRTUAL_ENV
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 PYTHONIOENCODING=utf-8
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC
export SOURCE_DATE_EPOCH=0 NO_COLOR=1 TERM=dumb COLUMNS=120
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# Prints the Python minor version of interpreter $1 when it runs and is 3.11 or newer.
python_version_of() {
    "$1" -c 'import sys; v = sys.version_info[:2]; sys.exit(v < (3, 11) or print("%d.%d" % v))' \
        2>/dev/null
}

python=''
py_version=''
if [[ -n "${REGEN_PYTHON:-}" ]]; then
    if ! py_version="$(python_version_of "$REGEN_PYTHON")"; then
        echo "regenerate: REGEN_PYTHON=$REGEN_PYTHON is not a working Python 3.11+" >&2
        exit 2
    fi
    python="$REGEN_PYTHON"
else
    for candidate in python3 python3.13 python3.12 python3.11; do
        if py_version="$(python_version_of "$candidate")"; then
            python="$candidate"
            break
        fi
    done
    if [[ -z "$python" ]]; then
        echo "regenerate: openapi-python-client $GENERATOR_VERSION needs Python 3.11 or newer;" \
            "none found on PATH (set REGEN_PYTHON)" >&2
        exit 2
    fi
fi

pin_hash="$(printf 'python %s\n%s\n%s\n' "$py_version" "$REQUIREMENTS" "$CONSTRAINTS" \
    | "$python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])')"
venv=".cache/regen-venv-$pin_hash"
mkdir -p .cache

# True when the cached environment exists and reports exactly the pinned versions.
venv_is_valid() {
    [[ -f "$venv/.complete" && -x "$venv/bin/python" && -x "$venv/bin/ruff" ]] || return 1
    [[ "$("$venv/bin/ruff" --version 2>/dev/null)" == "ruff $RUFF_VERSION" ]] || return 1
    [[ "$("$venv/bin/python" -c \
        'import importlib.metadata as m; print(m.version("openapi-python-client"))' \
        2>/dev/null)" == "$GENERATOR_VERSION" ]] || return 1
}

build_venv() {
    echo "regenerate: creating $venv (openapi-python-client $GENERATOR_VERSION, ruff $RUFF_VERSION)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    local log=".cache/regen-venv-$pin_hash.log"
    if ! "$venv/bin/python" -m pip install --no-input --disable-pip-version-check \
        -r <(printf '%s\n' "$REQUIREMENTS") -c <(printf '%s\n' "$CONSTRAINTS") >"$log" 2>&1; then
        cat "$log" >&2
        echo "regenerate: installing the pinned tools failed" >&2
        exit 2
    fi
    rm -f "$log"
    touch "$venv/.complete"
}

# Serialise venv creation between concurrent runs (e.g. a test and a manual run).
if command -v flock >/dev/null 2>&1; then
    exec 9>".cache/regen-venv.lock"
    flock 9
fi
if ! venv_is_valid; then
    build_venv
    if ! venv_is_valid; then
        echo "regenerate: $venv does not provide the pinned versions" >&2
        exit 2
    fi
fi
if command -v flock >/dev/null 2>&1; then
    exec 9>&-
fi

# The generator's post_hooks call `ruff` through PATH: the pinned one must come first.
export PATH="$repo_root/$venv/bin:$PATH"

# Work inside .cache/ so that the final rename stays on one file system.
work="$(mktemp -d "$repo_root/.cache/regen-work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/$PACKAGE"

if ! "$venv/bin/openapi-python-client" generate \
    --path "$SPEC" \
    --config "$CONFIG" \
    --custom-template-path "$TEMPLATES" \
    --meta none \
    --file-encoding utf-8 \
    --output-path "$out" >"$work/generate.log" 2>&1; then
    cat "$work/generate.log" >&2
    echo "regenerate: openapi-python-client failed" >&2
    exit 2
fi
# Show the generator's warnings (a clean run prints only its "Generating <folder>" line).
if grep -qv '^Generating ' "$work/generate.log"; then
    cat "$work/generate.log" >&2
fi

# The resource layer, formatted by the pinned ruff with this repository's line length.
resources_out="$work/resources"
if ! "$venv/bin/python" "$RESOURCES_GEN" "$resources_out"; then
    echo "regenerate: the resource layer was not generated (see above)" >&2
    exit 1
fi
# First-party packages named explicitly: ruff would otherwise look for them in the current folder.
"$venv/bin/ruff" check --isolated --no-cache --fix-only --target-version py310 --line-length 100 \
    --select F401,I --config "lint.isort.known-first-party = ['easyink_client', 'easyink_ext']" \
    --quiet "$resources_out"
"$venv/bin/ruff" format --isolated --no-cache --target-version py310 --line-length 100 \
    --quiet "$resources_out"

# `--meta none` writes no PEP 561 marker; the package ships typed code.
printf '# Marker file for PEP 561\n' >"$out/py.typed"
# Nothing but sources belongs in the package.
find "$out" \( -name '__pycache__' -o -name '.ruff_cache' \) -prune -exec rm -rf {} +

if [[ "$mode" == 'check' ]]; then
    if [[ ! -d "$PACKAGE" ]]; then
        echo "regenerate: $PACKAGE/ does not exist; run scripts/regenerate.sh" >&2
        exit 1
    fi
    # Compare from inside $work so the diff names both trees by short relative paths.
    ln -s "$repo_root/$PACKAGE" "$work/committed"
    mv "$out" "$work/generated"
    status=0
    (cd "$work" && diff -ru -x '__pycache__' -x '*.pyc' committed/ generated/) || status=$?
    if [[ $status -le 1 ]]; then
        ln -s "$repo_root/$RESOURCES" "$work/committed_resources"
        mv "$resources_out" "$work/generated_resources"
        resources_status=0
        (cd "$work" && diff -ru -x '__pycache__' -x '*.pyc' committed_resources/ \
            generated_resources/) || resources_status=$?
        if [[ $resources_status -ne 0 ]]; then
            echo "regenerate: $RESOURCES/ differs from the generated code" >&2
            status=$resources_status
        fi
    fi
    if [[ $status -le 1 ]] && ! "$venv/bin/python" "$EXTRACT" --check; then
        status=1
    fi
    if [[ $status -eq 1 ]]; then
        echo "regenerate: $PACKAGE/ (or $RESOURCES/) differs from the generated code;" \
            "run scripts/regenerate.sh" >&2
        exit 1
    fi
    if [[ $status -ne 0 ]]; then
        exit 2
    fi
    echo "regenerate: $PACKAGE/ and $RESOURCES/ are up to date" >&2
    # Breaking changes since $ref need a version bump and a CHANGELOG entry (outside git: no REF).
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        run_report check-release "$ref" || exit $?
        echo "regenerate: changes since $ref follow the release rule" >&2
    else
        echo "regenerate: not a git repository; release rule not checked" >&2
    fi
    exit 0
fi

# Swap the new package in with two renames on the same file system.
if [[ -e "$PACKAGE" ]]; then
    mv "$PACKAGE" "$work/previous"
fi
mv "$out" "$PACKAGE"
echo "regenerate: wrote $PACKAGE/ from $SPEC" >&2
if [[ -e "$RESOURCES" ]]; then
    mv "$RESOURCES" "$work/previous_resources"
fi
mv "$resources_out" "$RESOURCES"
echo "regenerate: wrote $RESOURCES/ from $SPEC and $RESOURCES_TABLE" >&2
"$venv/bin/python" "$EXTRACT"
echo "regenerate: wrote easyink_ext/_request_schemas.json and easyink_sandbox/_openapi.json from $SPEC" >&2
