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
