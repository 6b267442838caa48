"""Business logic for the Rust/PyO3 tests: numpy, pandas and, where the
installation has it, pyarrow.  main() returns one line the tests check."""
import sys


def main():
    import numpy as np
    import pandas as pd
    total = int(np.arange(1, 101).sum())
    frame = pd.DataFrame({"k": ["a", "b", "a", "c"], "v": [1, 2, 3, 4]})
    groups = ",".join("%s=%d" % kv for kv in frame.groupby("k")["v"].sum().items())
    try:
        import pyarrow as pa
        arrow = "rows=%d" % pa.table({"v": [1, 2, 3]}).num_rows
    except ImportError:
        arrow = "absent"
    return "RESULT sum=%d groups=%s pyarrow=%s numpy=%s prefix=%s" % (
        total, groups, arrow, np.__version__, sys.prefix)
