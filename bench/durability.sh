# Durability figures (D1 D2 D3) and S8 of bench/run: searchd vs Sphinx 2.2.11 with
# binlog_flush = 1, on the GCIDE corpus. Sourced by bench/run after bench/search.sh
# (uses its helpers: sql, reset_table, run_search, wait_idle, side_pid, side_port,
# CORPUS, DOCS, INSERT_C, SEARCH_REPS). See bench/README.md.

DUR_DOCS=${BENCH_DURABILITY_DOCS:-1000000}
DUR_RESTARTS=${BENCH_RESTARTS:-2}
DUR_LIMIT=${BENCH_RESTART_LIMIT:-90}

# stop_pid PID: SIGTERM, then waits until it exits (SIGKILL after 300 s); sets STOP_S
stop_pid() {
    local t0 wd
    t0=$(date +%s%N)
    kill -TERM "$1" 2>/dev/null || true
    (sleep 300 && kill -KILL "$1" 2>/dev/null) &
    wd=$!
    wait "$1" 2>/dev/null || true
    kill "$wd" 2>/dev/null || true
    wait "$wd" 2>/dev/null || true
    STOP_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
}

# launch_dur_searchd: (re)starts the durability searchd on its data dir; sets SEARCHD_PID
launch_dur_searchd() {
    local d="$TMP/dur-searchd"
    if [ ! -f "$d/searchd.conf" ]; then
        mkdir -p "$d/data"
        cat >"$d/searchd.conf" <<EOF
searchd {
    listen = 127.0.0.1:$P_MYSQL:mysql
    data_dir = $d/data
    log = $d/searchd.log
    pid_file = $d/searchd.pid
    binlog_flush = 1
}
EOF
    fi
    "$SEARCHD" --config "$d/searchd.conf" --nodetach >>"$d/stdout.log" 2>&1 &
    PIDS+=($!)
    SEARCHD_PID=$!
}

launch_dur() { # side
    if [ "$1" = peer ]; then launch_sphinx_nowait; else launch_dur_searchd; fi
}

launch_sphinx_nowait() {
    /usr/bin/searchd --config "$TMP/dur-sphinx/sphinx.conf" --nodetach \
        >>"$TMP/dur-sphinx/stdout.log" 2>&1 &
    PIDS+=($!)
    SPHINX_PID=$!
}

# first_answer SIDE WORD: waits until a MATCH query answers with a row; 1 after
# DUR_LIMIT seconds without an answer
first_answer() {
    local end=$((SECONDS + DUR_LIMIT)) port
    port=$(side_port "$1")
    until [ -n "$(sql "$port" "SELECT id FROM products WHERE MATCH('$2') LIMIT 1" 2>/dev/null)" ]; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.01
    done
}

# restart SIDE WORD: a clean stop, a start, and the time until the first query answers
# (at most DUR_LIMIT seconds: then the limit is recorded, noted "limit")
restart() {
    local t0 t1 rows note="" secs
    stop_pid "$(side_pid "$1")"
    t0=$(date +%s%N)
    launch_dur "$1"
    first_answer "$1" "$2" || note=" limit"
    t1=$(date +%s%N)
    rows=$(sql "$(side_port "$1")" "SELECT COUNT(*) FROM products" 2>/dev/null | tail -n 1)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    printf 'D2\t%s\t%s\tstop %ss documents %s%s\t0\t1\n' "$1" "$secs" "$STOP_S" "$rows" \
        "$note" >>"$RAW"
    log "  fig D2 $1: stopped in ${STOP_S}s, first answer ${secs}s after the start" \
        "(${rows:-no} rows${note:+; no answer within the ${DUR_LIMIT}s limit})"
}

# table_bytes SIDE: bytes of the products table's files (no binlog)
table_bytes() {
    if [ "$1" = peer ]; then du -sb "$TMP/dur-sphinx/data" | cut -f1
    else du -sb "$TMP/dur-searchd/data/products" | cut -f1; fi
}

disk_per_doc() { # side
    local port rows bytes
    port=$(side_port "$1")
    sql "$port" "FLUSH RAMCHUNK products" || die "FLUSH RAMCHUNK on $1"
    wait_idle "$(side_pid "$1")" >/dev/null
    rows=$(sql "$port" "SELECT COUNT(*) FROM products" 2>/dev/null | tail -n 1)
    bytes=$(table_bytes "$1")
    printf 'D3\t%s\t%s\tbytes %s documents %s\t0\t1\n' "$1" \
        "$(awk -v b="$bytes" -v n="$rows" 'BEGIN { printf "%.1f", (n > 0) ? b / n : 0 }')" \
        "$bytes" "$rows" >>"$RAW"
    log "  fig D3 $1: $bytes bytes for $rows documents after FLUSH RAMCHUNK"
}

# load_both FILE: loads FILE into both durability servers at once (the rates are logged,
# not compared: the two loads share the cores)
load_both() {
    local side pids=()
    for side in peer searchd; do
        reset_table "$side" products
        "$LOAD" mysql --port "$(side_port "$side")" --insert "$1" --batch 1000 \
            --concurrency "$INSERT_C" >"$TMP/out.dload.$side" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    for side in peer searchd; do
        log "  $side loaded: $($HELPER load "$TMP/out.dload.$side")"
    done
}

# fig_s8 WHICH: single-term p50 at concurrency 1 on searchd, 1x = the search daemon's
# products (126k documents), big = the durability daemon's products (DUR_DOCS)
fig_s8() {
    local side=peer port=$MAIN_P_MYSQL
    SERVER_PID=$MAIN_SEARCHD_PID
    if [ "$1" = big ]; then side=searchd port=$P_MYSQL SERVER_PID=$SEARCHD_PID; fi
    cpu_start
    "$LOAD" mysql --port "$port" --queries "$CORPUS/queries1.txt" \
        --concurrency 1 --seconds "$SEARCH_SECS" >"$TMP/out.s8" 2>/dev/null || true
    record S8 "$side" "$($HELPER load "$TMP/out.s8")"
}

durability_figures() { # the selected D figures (and S8, on the durability daemon)
    local figs=" $* " rep first second word side
    case "$figs" in *" D"[123]" "* | *" S8 "*) ;; *) return 0 ;; esac
    install_search_peers
    build_corpus
    # the search daemons stay up (S8 compares against the 1x table); new ports here
    MAIN_SEARCHD_PID=$SEARCHD_PID MAIN_P_MYSQL=$P_MYSQL
    P_MYSQL=$P_DMYSQL P_SPHINX=$P_DSPHINX P_SPHINX_API=$P_DSPHINX_API
    sphinx_conf "$TMP/dur-sphinx" "$P_SPHINX" "$P_SPHINX_API" 1
    launch_sphinx "$TMP/dur-sphinx" "$P_SPHINX"
    launch_dur_searchd
    wait_for 60 sql "$P_MYSQL" 'SHOW TABLES' || die "durability searchd did not start"
    log "durability servers up, binlog_flush = 1: searchd $SEARCHD_PID, sphinx $SPHINX_PID"
    case "$figs" in *" D1 "*)
        for rep in $(seq "$SEARCH_REPS"); do
            first=peer second=searchd
            [ $((rep % 2)) = 0 ] && first=searchd second=peer
            log "D1 load $rep/$SEARCH_REPS ($first first, $DOCS documents, binlog_flush = 1)"
            for side in $first $second; do
                reset_table "$side" products
                run_search D1 "$side" --insert "$CORPUS/docs.tsv" --batch 1000 \
                    --concurrency "$INSERT_C"
            done
        done ;;
    esac
    case "$figs" in *" D2 "* | *" D3 "* | *" S8 "*) ;; *) return 0 ;; esac
    head -n "$DUR_DOCS" "$CORPUS/docs10x.tsv" >"$TMP/docs-dur.tsv"
    log "D2/D3/S8: loading $(wc -l <"$TMP/docs-dur.tsv") documents into both, at once"
    load_both "$TMP/docs-dur.tsv"
    rm -f "$TMP/docs-dur.tsv"
    for side in peer searchd; do disk_per_doc "$side"; done
    case "$figs" in *" S8 "*)
        log "S8: searchd with $DUR_DOCS documents vs $DOCS, ${SEARCH_SECS}s runs"
        for rep in $(seq "$SEARCH_REPS"); do
            if [ $((rep % 2)) = 1 ]; then fig_s8 1x; fig_s8 big; else fig_s8 big; fig_s8 1x; fi
        done ;;
    esac
    case "$figs" in *" D2 "*)
        word=$(head -n 1 "$CORPUS/queries1.txt")
        for rep in $(seq "$DUR_RESTARTS"); do
            first=peer second=searchd
            [ $((rep % 2)) = 0 ] && first=searchd second=peer
            log "D2 restart $rep/$DUR_RESTARTS ($first first)"
            restart "$first" "$word"
            restart "$second" "$word"
        done ;;
    esac
}
