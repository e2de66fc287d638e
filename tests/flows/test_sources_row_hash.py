"""Row hashes are stored and anti-joined against on every later load: they must never change.

The expected hashes below were computed by the loader as first released. A change to
normalisation or hashing that alters them would load every re-delivered row a second time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

NPS = (
    "Response ID,Email,Score,Comment,Responded At,Survey ID,CES\n"
    'r1, A@Acme.IO ,9,"fast, and\r\nfriendly",2026-11-04 09:30:00 +0100,s1,\n'
    "r2,b@acme.io, 7 ,,11/4/2026 9:30 PM,,3\n"
)
CRM = 'Account ID,Account Name,Tier,ARR,Renewal Date\na1,"Acme\nInc",SMB,"$412,000",11/30/2027\n'


def test_row_hashes_of_normalised_rows_match_those_stored_by_earlier_releases(
    tmp_path: Path,
) -> None:
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "n.csv").write_bytes(NPS.encode())
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "c.csv").write_bytes(CRM.encode())
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        for source in SOURCES:
            load_source(con, tmp_path, source, loaded_at=datetime(2026, 11, 20))
        nps = con.execute(
            "select response_id, email, responded_at, _row_hash from raw.nps_responses order by 1"
        ).fetchall()
        crm = con.execute("select account_name, arr, renewal_date, _row_hash from raw.crm_accounts")
        accounts = crm.fetchall()
    assert nps == [
        ("r1", "a@acme.io", "2026-11-04T08:30:00Z", "0492a86b2b456dfa89975bbd7f31c102"),
        ("r2", "b@acme.io", "2026-11-04T21:30:00Z", "72e20523e43755a48bb99118623103e2"),
    ]
    assert accounts == [("Acme Inc", "412000", "2027-11-30", "ec843d805a81397304d82fcf9902113f")]
