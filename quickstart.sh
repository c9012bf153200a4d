#!/usr/bin/env bash
# The quick start: builds and installs rjango, creates a demo project with a `blog` app, and
# serves it on http://127.0.0.1:8000/ (rebuilding on every save). Ctrl-C stops it.
#
#   ./quickstart.sh [directory]        # default: ./rjango-demo
set -euo pipefail
checkout=$(cd "$(dirname "$0")" && pwd)
dir=${1:-rjango-demo}
bin="${CARGO_HOME:-$HOME/.cargo}/bin"

echo "== Installing rjango from $checkout (cargo install --path .)"
cargo install --path "$checkout" --locked --quiet
export PATH="$bin:$PATH"
rjango --version

if [ -f "$dir/src/settings.rs" ]; then
    echo "== $dir is already a project: serving it"
else
    echo "== rjango startproject demo $dir"
    rjango startproject demo "$dir"
    cd "$dir"
    echo "== rjango startapp blog"
    rjango startapp blog
    cd - >/dev/null
fi

cd "$dir"
echo "== rjango runserver: open http://127.0.0.1:8000/blog/ (the first build compiles the dependencies)"
exec rjango runserver
