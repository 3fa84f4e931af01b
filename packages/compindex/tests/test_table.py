"""CSV files read without pandas give what pandas gives (or go to pandas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from compindex.datasets import asem_path
from compindex.table import Table, read_text_table

CASES = {
    "plain": "a,b\n1,2\n3,NA\n",
    "quoted": '"uCode","name"\n"A","x, y"\n"B","say ""hi"""\n',
    "empty cells": "a,b,c\n,,\n1,,3\n",
    "bom and crlf": "\ufeffa,b\r\n1,2\r\n",
    "multi-line cell": 'a,b\n"line 1\nline 2",2\n',
    "ragged": "a,b\n1,2,3\n4\n",
    "blank lines": "a,b\n1,2\n\n3,4\n\n",
    "duplicate header": "a,a\n1,2\n",
    "header only": "a,b\n",
}


def _frame(table: Table | pd.DataFrame) -> pd.DataFrame:
    return table.to_frame() if isinstance(table, Table) else table


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_same_cells_as_pandas(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    got = _frame(read_text_table(str(path)))
    assert list(got.columns) == list(expected.columns)
    assert got.astype(object).values.tolist() == expected.astype(object).values.tolist()


@pytest.mark.parametrize("name", ["ASEM_iData.csv", "ASEM_iMeta.csv"])
def test_bundled_files_need_no_pandas(name: str) -> None:
    table = read_text_table(asem_path(name))
    assert isinstance(table, Table)
    expected = pd.read_csv(asem_path(name), dtype=str, keep_default_na=False)
    assert table.to_dict() == expected.to_dict(orient="records")


def test_column_text_is_format_cell_of_every_value() -> None:
    import numpy as np
    from compindex.io import ColumnText, format_cell

    special = [0.0, -0.0, 1.0, -2.0, 1e15, 1e15 - 1, -(1e15 - 1), 1e16, 1e-5, 2.5, 1e22]
    special += [float("nan"), float("inf"), -float("inf"), 5e-324, 3.0000000000000004]
    rng = np.random.default_rng(0)
    mixed = np.concatenate([special, rng.normal(size=200) * 10.0 ** rng.integers(-20, 20, 200)])
    text = ColumnText()
    for column in (mixed, np.round(mixed * 1000), mixed[:0]):
        assert text(column) == [format_cell(v) for v in column.tolist()]
    assert text(mixed.copy()) is text(mixed)  # the same values are formatted once


def test_column_text_from_the_stage_before_is_format_cell_of_every_value() -> None:
    """A column that changed in a few cells (an imputed or winsorised one) reuses the
    text of the others and still reads exactly as formatting it afresh."""
    import numpy as np
    from compindex.io import ColumnText, format_cell

    rng = np.random.default_rng(1)
    before = rng.normal(size=300) * 100.0
    before[::17] = np.nan
    before[5], before[6] = 0.0, 7.0
    after = before.copy()
    after[::17] = 1.5  # filled in
    after[3] = -0.0  # a zero of the other sign reads "0" either way
    after[5] = -0.0
    after[6] = float("inf")
    after[7] = float("nan")
    text = ColumnText()
    assert text(before, "i1") == [format_cell(v) for v in before.tolist()]
    assert text(after, "i1") == [format_cell(v) for v in after.tolist()]
    rewritten = rng.normal(size=300)  # every cell changed: formatted afresh
    assert text(rewritten, "i1") == [format_cell(v) for v in rewritten.tolist()]
    assert text(before[:10], "i1") == [format_cell(v) for v in before[:10].tolist()]


def test_parse_data_reads_plain_and_unusual_cells_alike() -> None:
    """Columns of plain numbers and missing tokens take the quick path; a column with
    anything else is parsed cell by cell; both give what parse_number gives."""
    import numpy as np
    from compindex import parse_data, parse_meta
    from compindex.errors import IndexInputError
    from compindex.meta import parse_number

    meta = parse_meta(
        pd.DataFrame(
            {
                "Level": ["1", "1", "1", "2"],
                "iCode": ["a", "b", "c", "Idx"],
                "iName": ["A", "B", "C", "Index"],
                "Direction": ["1", "1", "1", "1"],
                "Weight": ["1", "1", "1", "1"],
                "Type": ["Indicator", "Indicator", "Indicator", "Aggregate"],
                "Parent": ["Idx", "Idx", "Idx", "NA"],
            }
        )
    )
    plain = ["1.5", "NA", "", "-2e3", "nan", "7", "inf", "0.1", "N/A"]
    unusual = [" 3 ", " NA ", "  ", "1_000", "4.25", "null", "-0", "8", "9"]
    floats = [1.0, float("nan"), 2.5, -3.0, 0.0, 1e-300, 6.0, 7.0, 8.0]
    data = pd.DataFrame(
        {"uCode": [f"U{i}" for i in range(9)], "a": plain, "b": unusual, "c": floats},
        dtype=object,
    )
    units = parse_data(data, meta)
    for j, column in enumerate((plain, unusual, floats)):
        expected = [np.nan if (v := parse_number(c)) is None else v for c in column]
        np.testing.assert_array_equal(units.raw.values[:, j], np.array(expected))
    for bad in ("TRUE", "one", True):
        cells = [*plain[:-1], bad]
        with pytest.raises(IndexInputError, match="is not a number"):
            parse_data(data.assign(a=cells), meta)
