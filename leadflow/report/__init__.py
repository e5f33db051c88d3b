"""Report: the funnel report, one self-contained HTML page drawn from the marts with Plotly (pure functions from
polars frames to figures and to the page; writing the files is the only IO)."""
