"""The throwaway database of a bench run: PostgreSQL on 127.0.0.1:5432 when it answers, else SQLite."""

import os
import subprocess
import tempfile


def pick_database(name: str) -> str | None:
    """Set DATABASE_URL (unless given) and return the PostgreSQL database created for this run, if any."""
    if "DATABASE_URL" in os.environ:
        return None
    created = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q",
                              "-c", f"CREATE DATABASE {name}"], capture_output=True).returncode == 0
    if created:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        return name
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return None


def drop_database(name: str | None) -> None:
    if name:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q",
                        "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
