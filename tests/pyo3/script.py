"""Script C: the business logic plugin B runs.  Every function returns lines
"key=value" that run.sh checks exactly."""

import sys


def info():
    """Which Python runs this; the standard library only."""
    import json.scanner

    # _json is an extension module in lib-dynload: without a global libpython
    # it fails to load and json silently falls back to pure Python.
    json_c = "yes" if json.scanner.c_make_scanner is not None else "no"
    return "\n".join([
        f"prefix={sys.prefix}",
        f"base_prefix={sys.base_prefix}",
        f"python={sys.version.split()[0]}",
        f"json_c={json_c}",
        f"libpython={','.join(mapped_libpythons())}",
    ])


def mapped_libpythons():
    """The libpython files mapped into this process (one, we hope)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split(None, 5)[-1].strip() for line in maps if line.count(" ") >= 5}
    return sorted(p for p in paths if "/libpython" in p)


def main():
    """numpy, pandas and, where installed, pyarrow."""
    import numpy as np
    import pandas as pd

    values = np.arange(1, 101)
    frame = pd.DataFrame({"key": ["a", "b", "a", "b"], "value": [1, 2, 3, 4]})
    groups = frame.groupby("key")["value"].sum()
    lines = [
        info(),
        f"numpy={np.__version__}",
        f"pandas={pd.__version__}",
        f"numpy_sum={int(values.sum())}",
        f"numpy_dot={int(values @ values)}",
        "groupby=" + ",".join(f"{k}:{v}" for k, v in groups.items()),
    ]
    try:
        import pyarrow as pa
    except ModuleNotFoundError as e:
        if e.name != "pyarrow":
            raise
        lines.append("pyarrow=absent")
    else:
        table = pa.Table.from_pandas(frame)
        lines.append(f"pyarrow={pa.__version__}")
        lines.append(f"arrow_rows={table.num_rows}")
    return "\n".join(lines)
