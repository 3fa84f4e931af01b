"""Plain column tables, so that building an index from files never imports pandas.

pandas costs about 0.4 s of CPU to import, most of what a whole ``compindex build``
process may take. The command reads CSV files with the standard ``csv`` module into a
:class:`Table` and writes the tables it produces (results, details, weights) straight
from their columns. Python callers still get pandas data frames:
:meth:`Table.to_frame` builds one on demand, exactly as the engine built it before.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    Cells = Sequence[Any] | NDArray[Any]


class Column(list[Any]):
    """One column's cells (a list with pandas' ``tolist``)."""

    def tolist(self) -> list[Any]:
        return list(self)


class Table:
    """Named columns of equal length: the part of a data frame the engine uses.

    ``frame`` builds the pandas data frame :meth:`to_frame` returns (default: one column
    per entry of ``columns``); it is built once and then shared, as a data frame
    attribute was."""

    def __init__(
        self,
        columns: Mapping[str, Cells],
        frame: Callable[[], pd.DataFrame] | None = None,
    ) -> None:
        self._cols: dict[str, Cells] = dict(columns)
        self._make_frame = frame
        self._frame: pd.DataFrame | None = None

    @property
    def columns(self) -> list[str]:
        return list(self._cols)

    def __len__(self) -> int:
        return len(next(iter(self._cols.values()), ()))

    def __getitem__(self, name: str) -> Column:
        return Column(self._cols[name])

    def values(self, name: str) -> Cells:
        """The column as stored (a numpy array stays an array)."""
        return self._cols[name]

    def __setitem__(self, name: str, values: Cells) -> None:
        self._cols[name] = values
        self._frame = None

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The cells row by row."""
        return zip(*self._cols.values(), strict=True)

    def to_dict(self, orient: str = "records") -> list[dict[str, Any]]:
        """Rows as dictionaries (pandas' ``to_dict(orient="records")``)."""
        if orient != "records":
            raise ValueError("only orient='records' is supported")
        names = self.columns
        return [dict(zip(names, row, strict=True)) for row in self.rows()]

    def to_frame(self) -> pd.DataFrame:
        """The table as a pandas data frame (pandas is imported here)."""
        if self._frame is None:
            if self._make_frame is not None:
                self._frame = self._make_frame()
            else:
                import pandas as pd

                self._frame = pd.DataFrame(
                    {k: list(v) if isinstance(v, Column) else v for k, v in self._cols.items()}
                )
        return self._frame


def read_text_table(path: str) -> Table | pd.DataFrame:
    """A CSV file with every cell as text, as ``pd.read_csv(path, dtype=str,
    keep_default_na=False)`` reads it.

    Regular files (a header of distinct, non-empty names and every row as long) are
    read with the ``csv`` module; anything else goes to pandas, so that unusual files
    are read, or refused, exactly as pandas does."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError:
        rows = []
    header = rows[0] if rows else []
    body = rows[1:]
    regular = (
        bool(header)
        and bool(body)
        and all(header)
        and len(set(header)) == len(header)
        and all(len(r) == len(header) for r in body)
    )
    if not regular:
        import pandas as pd

        return pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = zip(*body, strict=True)
    return Table({name: Column(col) for name, col in zip(header, columns, strict=True)})


__all__ = ["Column", "Table", "read_text_table"]
