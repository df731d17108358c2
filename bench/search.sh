# Search figures (S1 S2 S3, A: the SphinxAPI; S8 runs in bench/durability.sh) of bench/run: searchd vs Sphinx 2.2.11 on the GCIDE
# corpus. Sourced by bench/run (uses its helpers: log, die, wait_for, PIDS, TMP,
# record, cpu_start, SERVER_PID, LOAD, HELPER). See bench/README.md.

SEARCH_REPS=${BENCH_SEARCH_REPS:-3}
SEARCH_SECS=${BENCH_SEARCH_SECONDS:-3}
SEARCH_CONC=${BENCH_SEARCH_CONCURRENCY:-1 8}
INSERT_C=${BENCH_INSERT_CONCURRENCY:-2}
SCALE=${BENCH_SCALE:-10}
API_CONC=${BENCH_API_CONCURRENCY:-1 8}
# the attributes both return
API_SELECT=${BENCH_API_SELECT:-price, category}
# searchd's full-text fields: `indexed`, like Sphinx 2.2's rt_field (which cannot store
# text); `indexed stored` is Manticore's default (the texts kept, LZ4-compressed)
TEXT_FLAGS=${BENCH_TEXT:-indexed}
CORPUS="$ROOT/bench/corpus-data"

install_search_peers() {
    local missing=()
    [ -x /usr/bin/searchd ] || missing+=(sphinxsearch)
    [ -f /usr/share/dictd/gcide.index ] || missing+=(dict-gcide)
    command -v mariadb >/dev/null || missing+=(mariadb-client)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

build_corpus() {
    log "corpus: $CORPUS (GCIDE, x$SCALE for D2, D3 and S8; built once, then reused)"
    python3 "$ROOT/bench/corpus.py" "$CORPUS" --scale "$SCALE" || die "corpus"
    DOCS=$(wc -l <"$CORPUS/docs.tsv")
}

sql() { # port statement
    mariadb --no-defaults -h127.0.0.1 -P"$1" -e "$2"
}

# sphinx_conf DIR MYSQL_PORT API_PORT BINLOG_FLUSH: Sphinx's config (RT index products)
sphinx_conf() {
    mkdir -p "$1/data" "$1/binlog"
    cat >"$1/sphinx.conf" <<EOC
index products {
    type = rt
    path = $1/data/products
    rt_mem_limit = 256M
    rt_field = title
    rt_field = body
    rt_attr_uint = price
    rt_attr_string = category
}
searchd {
    listen = 127.0.0.1:$3
    listen = 127.0.0.1:$2:mysql41
    log = $1/searchd.log
    pid_file = $1/searchd.pid
    binlog_path = $1/binlog
    binlog_flush = $4
    workers = threads
    max_children = 64
}
EOC
}

# launch_sphinx DIR MYSQL_PORT: starts Sphinx on DIR's config, waits until it answers;
# sets SPHINX_PID
launch_sphinx() {
    /usr/bin/searchd --config "$1/sphinx.conf" --nodetach >>"$1/stdout.log" 2>&1 &
    PIDS+=($!)
    SPHINX_PID=$!
    wait_for 120 sql "$2" 'SHOW STATUS' || { cat "$1/stdout.log" >&2; die "sphinx did not start"; }
}

start_sphinx() {
    local d="$TMP/sphinx"
    sphinx_conf "$d" "$P_SPHINX" "$P_SPHINX_API" 2
    launch_sphinx "$d" "$P_SPHINX"
    log "sphinx up (pid $SPHINX_PID): mysql41 $P_SPHINX api $P_SPHINX_API," \
        "$(head -c 60 "$d/stdout.log" | head -n 1)"
}

reset_table() { # side table
    if [ "$1" = peer ]; then
        sql "$P_SPHINX" "TRUNCATE RTINDEX $2"
    else
        sql "$P_MYSQL" "DROP TABLE IF EXISTS $2"
        local text="text $TEXT_FLAGS"
        sql "$P_MYSQL" "CREATE TABLE $2 (title $text, body $text, price int, category string)"
    fi
}

side_pid() { [ "$1" = peer ] && echo "$SPHINX_PID" || echo "$SEARCHD_PID"; }
side_port() { [ "$1" = peer ] && echo "$P_SPHINX" || echo "$P_MYSQL"; }
side_api_port() { [ "$1" = peer ] && echo "$P_SPHINX_API" || echo "$P_API"; }

run_search() { # figure side [load args]: a load-driver run against the side's server
    local fig=$1 side=$2; shift 2
    drive "$fig" "$side" mysql --port "$(side_port "$side")" "$@"
}

run_api() { # figure side [load args]: SphinxAPI SEARCH requests to the side's API port
    local fig=$1 side=$2; shift 2
    drive "$fig" "$side" api --port "$(side_api_port "$side")" "$@"
}

drive() { # figure side mode [load args]
    local fig=$1 side=$2 out="$TMP/out.search"; shift 2
    SERVER_PID=$(side_pid "$side")
    cpu_start
    "$LOAD" "$@" >"$out" 2>"$out.err" || true
    grep -m3 'load:' "$out.err" >&2 || true
    record "$fig" "$side" "$($HELPER load "$out")"
}

# wait_idle PID: waits (at most 120 s) until PID uses under 5% of a core over 0.5 s
# (searchd merges segments in the background after a load); prints the seconds waited
wait_idle() {
    local t0 t1 waited=0
    while [ $waited -lt 240 ]; do
        t0=$(cpu_ticks "$1")
        sleep 0.5
        t1=$(cpu_ticks "$1")
        waited=$((waited + 1))
        [ $((t1 - t0)) -lt 3 ] && break
    done
    awk -v n="$waited" 'BEGIN { printf "%.1f", (n - 1) * 0.5 }'
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

load_side() { # side rep: S2 (bulk insert) then S3 (RSS after the load)
    reset_table "$1" products
    run_search S2 "$1" --insert "$CORPUS/docs.tsv" --batch 1000 --concurrency "$INSERT_C"
    local rows settle elapsed
    settle=$(wait_idle "$(side_pid "$1")")
    elapsed=$(sed -n 's/.*"elapsed_s":\([0-9.]*\).*/\1/p' "$TMP/out.search")
    # S2m: the same load counted until the server is idle again (background merges)
    printf 'S2m\t%s\t%s\tsettle %ss\t0\t1\n' "$1" \
        "$(awk -v d="$DOCS" -v e="${elapsed:-0}" -v s="$settle" 'BEGIN { printf "%.1f", d / (e + s) }')" \
        "$settle" >>"$RAW"
    log "  $1 idle again ${settle}s after the last batch"
    rows=$(sql "$(side_port "$1")" "SELECT COUNT(*) FROM products" 2>/dev/null | tail -n 1)
    printf 'S3\t%s\t%s\tdocuments %s\t0\t1\n' "$1" "$(rss_mb "$(side_pid "$1")")" "$rows" >>"$RAW"
    log "  fig S3 $1: RSS $(rss_mb "$(side_pid "$1")") MB after loading ($rows rows)"
}

fig_s1() { # side rep
    local c set
    for c in $SEARCH_CONC; do
        for set in 1 2; do
            run_search "S1-${set}t-c$c" "$1" --queries "$CORPUS/queries$set.txt" \
                --concurrency "$c" --seconds "$SEARCH_SECS"
        done
    done
}

fig_api() { # side: SphinxAPI SEARCH req/s, single-term queries, each concurrency
    local c
    for c in $API_CONC; do
        run_api "A-c$c" "$1" --queries "$CORPUS/queries1.txt" --concurrency "$c" \
            --seconds "$SEARCH_SECS" --select "$API_SELECT"
    done
}

search_figures() { # the selected S figures, peers alternating
    local figs=" $* " rep first second
    case "$figs" in *" S"[1238]" "* | *" A "*) ;; *) return 0 ;; esac
    install_search_peers
    build_corpus
    start_sphinx
    reset_table searchd products
    local reps_load=1
    case "$figs" in *" S2 "* | *" S3 "*) reps_load=$SEARCH_REPS ;; esac
    for rep in $(seq "$reps_load"); do
        first=peer second=searchd
        [ $((rep % 2)) = 0 ] && first=searchd second=peer
        log "search load $rep/$reps_load ($first first, $DOCS documents)"
        load_side "$first"
        load_side "$second"
    done
    case "$figs" in *" S1 "*)
        for rep in $(seq "$SEARCH_REPS"); do
            first=peer second=searchd
            [ $((rep % 2)) = 0 ] && first=searchd second=peer
            log "S1 repetition $rep/$SEARCH_REPS ($first first, ${SEARCH_SECS}s runs)"
            fig_s1 "$first"
            fig_s1 "$second"
        done ;;
    esac
    case "$figs" in *" A "*)
        for rep in $(seq "$SEARCH_REPS"); do
            first=peer second=searchd
            [ $((rep % 2)) = 0 ] && first=searchd second=peer
            log "API repetition $rep/$SEARCH_REPS ($first first, ${SEARCH_SECS}s runs)"
            fig_api "$first"
            fig_api "$second"
        done ;;
    esac
}
