"""Figure 11: the carrier list and number checks."""

from __future__ import annotations

from bench.cli import fresh_seconds, import_profile
from bench.report import best, record


def figure_carriers(smoke: bool) -> None:
    from track17_facade import Carrier, CarrierDirectory, check_number

    runs = 3 if smoke else 9
    load = fresh_seconds(
        "import time, track17_facade.carriers as c; t = time.perf_counter(); "
        "c.CarrierDirectory.bundled(); print(time.perf_counter() - t)",
        runs,
    )
    record(
        "11. carrier list: first load in a new process",
        load * 1e3,
        "ms",
        "<= 50",
        load <= 0.050,
        f"median of {runs} new interpreters; {len(CarrierDirectory.bundled())} carriers",
    )
    total, own = import_profile("from track17_facade import Track17Client", runs)
    share = sum(own.get(name, 0.0) for name in ("track17_facade.carriers", "track17_facade.numbers")) / total
    record(
        "11. a client's imports: carriers and numbers' share",
        share * 100,
        "% of import",
        "<= 3",
        share <= 0.03,
        f"from track17_facade import Track17Client: {total * 1e3:.0f} ms (median of {runs}, -X "
        "importtime); the list itself is not read at import",
    )
    directory = CarrierDirectory.bundled()
    directory.find("warm")  # the search index is built on the first search
    queries = [member.name.replace("_", " ").lower() for member in Carrier if member.is_known]
    queries += ["royal", "post", "dhl", "express", "中国邮政", "correos", "la poste", "yun"]
    per_find = best(lambda: [directory.find(query) for query in queries], 5 if smoke else 20) / len(queries)
    record(
        "11. carrier find over the whole list",
        per_find * 1e3,
        "ms per call",
        "<= 1",
        per_find <= 0.001,
        f"mean of {len(queries)} queries (the 23 Carrier names and common words), best of 7",
    )
    samples = [
        "RR123456785CN",
        "rb 123 456 785 gb",
        "1Z5R89390357567127",
        "986578788855",
        "041441760228964",
        "9400111201080805483016",
        "3318810025",
        "RR123456786CN",
        "LP00123456789012",
        "405548424886",
        "C11031500001879",
        "0081827099800000200333502762C",
    ]
    batch = samples * (200 if smoke else 2000)
    per_number = best(lambda: [check_number(number) for number in batch], 3 if smoke else 5) / len(batch)
    record(
        "11. check_number throughput",
        1 / per_number,
        "numbers/s",
        ">= 20,000",
        1 / per_number >= 20_000,
        f"each number tried against all 42 formats; a mix of 10 formats and 2 numbers of none, "
        f"{len(batch):,} per run, best of 7 (17TRACK takes at most 120 numbers/s per key)",
    )
