"""Every public address (pages, feeds, exports, API), fed hostile query strings,
answers without a server error."""

import pytest

PUBLIC = [
    "/",
    "/cases/",
    "/cases.csv",
    "/cases/sec-v-binance/",
    "/cases/sec-v-binance/feed/",
    "/cases/sec-v-binance/calendar.ics",
    "/cases/sec-v-binance/timeline.csv",
    "/timeline/",
    "/parties/",
    "/parties/changpeng-zhao/",
    "/parties/changpeng-zhao/feed/",
    "/agencies/",
    "/agencies/sec/",
    "/agencies/sec/feed/",
    "/sources/000_26f21f1ec1e397ac.txt/",
    "/search/",
    "/feed/",
    "/api/",
    "/api/cases/",
    "/api/cases/sec-v-binance/",
    "/api/filings/",
    "/api/filings/sec-v-binance/dismissal/",
    "/api/parties/",
    "/api/agencies/",
    "/api/sources/",
    "/api/schema/",
    "/healthz/",
]
# Every parameter any public page reads.
PARAMETERS = [
    "q",
    "agency",
    "party",
    "status",
    "kind",
    "filed_after",
    "filed_before",
    "after",
    "before",
    "sort",
    "order",
    "page",
    "cursor",
    "case",
    "page_size",
    "format",
]
HOSTILE = {
    "garbage date": "20x3-1%2F2",
    "impossible date": "2023-02-30",
    "month 13": "2023-13",
    "year zero": "0000",
    "huge number": "9" * 40,
    "negative number": "-1",
    "unknown choice": "no-such-thing",
    "long string": "a" * 10_000,
    "SQL fragment": "%27%20OR%201%3D1%20--",
    "HTML fragment": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "invalid UTF-8": "%ff%fe%c0%af",
    "NUL byte": "a%00b",
    "lone quote": "%22",
    "page position past any id": "2023-06.1." + "9" * 25 + ".1",
}


def query(value, repeat=1):
    return "&".join(f"{name}={value}" for name in PARAMETERS for _ in range(repeat))


@pytest.mark.parametrize("url", PUBLIC)
def test_hostile_parameters_never_cause_a_server_error(client, seeded, url):
    client.raise_request_exception = False
    for label, value in HOSTILE.items():
        response = client.get(f"{url}?{query(value)}")
        assert response.status_code < 500, (url, label, response.status_code)
    repeated = client.get(f"{url}?{query('2024', repeat=3)}&page=1&page=2")
    assert repeated.status_code < 500, (url, "repeated parameters")
