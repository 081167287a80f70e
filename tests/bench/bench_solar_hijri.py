"""Grouping a million rows by Solar Hijri month against grouping them by Gregorian month.

    python tests/bench/bench_solar_hijri.py        (the venv's python; ~1 minute)

Creates a scratch database (BENCH_DB, default crm_suite_bench_solar_hijri; BENCH_KEEP=1
keeps it), the SQL functions base_solar_hijri creates at install (lib/solar_hijri.py) and a
table of BENCH_ROWS (default 1,000,000) sale-like lines: a date, a datetime and an amount
over ten years. Then times, BENCH_ROUNDS times each (median), the GROUP BY queries Odoo's
read_group runs for 'date:month' (date_trunc) and the ones base_solar_hijri runs for a
Solar Hijri user (the same query with the period function), for a date, a datetime in the
user's time zone (tz) and a datetime without one, by month, quarter and year. Prints the
seconds and the ratio Solar Hijri / Gregorian. Asserts nothing.
"""

import importlib.util
import os
import statistics
import subprocess
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
DB = os.environ.get("BENCH_DB", "crm_suite_bench_solar_hijri")
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def load_lib():
    path = ROOT / "addons" / "base_solar_hijri" / "lib" / "solar_hijri.py"
    spec = importlib.util.spec_from_file_location("solar_hijri", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(cr, lib):
    cr.execute(lib.SQL_FUNCTIONS)
    cr.execute("DROP TABLE IF EXISTS bench_solar_hijri_line")
    cr.execute(
        """
        CREATE TABLE bench_solar_hijri_line AS
        SELECT n AS id,
               DATE '2018-01-01' + (n::bigint * 7919 %% 3653)::int AS day,
               TIMESTAMP '2018-01-01' + (n::bigint * 7919 %% 3653)::int * INTERVAL '1 day'
                   + (n %% 86400) * INTERVAL '1 second' AS moment,
               (n %% 1000) * 1000000.0 AS amount
          FROM generate_series(1, %s) AS n
        """,
        [ROWS],
    )
    cr.execute("VACUUM ANALYZE bench_solar_hijri_line")


def timed(cr, key):
    query = (
        f"SELECT {key} AS period, count(*), sum(amount)"
        " FROM bench_solar_hijri_line GROUP BY 1 ORDER BY 1"
    )
    cr.execute(query)  # warm-up
    groups = len(cr.fetchall())
    seconds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        cr.execute(query)
        cr.fetchall()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), groups


def main():
    lib = load_lib()
    fresh = subprocess.run(["createdb", DB], capture_output=True).returncode == 0
    connection = psycopg2.connect(dbname=DB)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT to_regclass('bench_solar_hijri_line') IS NOT NULL")
            if fresh or not cr.fetchone()[0]:
                prepare(cr, lib)
            cr.execute(lib.SQL_FUNCTIONS)
            local = "timezone('Asia/Tehran', timezone('UTC', moment))"
            print(f"{ROWS:,} rows, median of {ROUNDS} runs")
            header = ("group by", "Gregorian s", "Solar Hijri s", "ratio", "groups")
            print(f"{header[0]:<22}{header[1]:>12}{header[2]:>15}{header[3]:>8}{header[4]:>10}")
            for granularity in ("month", "quarter", "year"):
                function = lib.SQL_START_FUNCTION[granularity]
                cases = {
                    f"date:{granularity}": (
                        f"date_trunc('{granularity}', day::timestamp)::date",
                        f"{function}(day)",
                    ),
                    f"datetime:{granularity} tz": (
                        f"date_trunc('{granularity}', {local}::timestamp)",
                        f"{function}({local})",
                    ),
                    f"datetime:{granularity}": (
                        f"date_trunc('{granularity}', moment::timestamp)",
                        f"({function}(moment::date))::timestamp",
                    ),
                }
                for name, (gregorian, solar) in cases.items():
                    g_seconds, g_groups = timed(cr, gregorian)
                    s_seconds, s_groups = timed(cr, solar)
                    print(
                        f"{name:<22}{g_seconds:>12.3f}{s_seconds:>15.3f}"
                        f"{s_seconds / g_seconds:>8.2f}{f'{g_groups}/{s_groups}':>10}"
                    )
    finally:
        connection.close()
        if os.environ.get("BENCH_KEEP") != "1":
            subprocess.run(["dropdb", "--if-exists", DB], check=False)


if __name__ == "__main__":
    main()
