"""`khlang serve`: the Dagster UI and the dashboards on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipelines.cli.output import out as _out
from pipelines.config import ENV_HOME, home


def cmd_serve(args) -> int:
    import subprocess

    from pipelines.run import instance_for

    h = home()
    instance_for(h).dispose()  # writes dagster.yaml, sets DAGSTER_HOME
    env = {**os.environ, ENV_HOME: str(h.root), "GX_ANALYTICS_ENABLED": "false", "DAGSTER_HOME": str(h.dagster_home)}
    repo = Path(__file__).resolve().parent.parent
    dagster = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-m", "assets.definitions", "-h", args.host, "-p", str(args.dagster_port)],
        cwd=repo, env=env,
    )
    streamlit = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(repo / "dashboards" / "app.py"), "--server.address", args.host,
         "--server.port", str(args.streamlit_port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "viewer"],
        cwd=repo, env=env,
    )
    _out(f"Dagster UI:  http://{args.host}:{args.dagster_port}\nDashboards:  http://{args.host}:{args.streamlit_port}\n(Ctrl+C to stop)")
    try:
        return streamlit.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for p in (streamlit, dagster):
            p.terminate()
