#!/usr/bin/env python3
"""Upgrades a database the way the real MLflow does (run in a venv with MLflow 3.6.0; PostgreSQL
also needs psycopg2, MySQL pymysql).

Creates MLflow's initial tables where missing, then runs MLflow's own alembic migrations up to
<revision> (default: the venv's head, bf29a5ff90ea for 3.6.0) -- what MLflow's stores do at start.

    python mlflow_upgrade.py <sqlite file | postgresql:// or mysql+pymysql:// URL> [revision]
"""
import os
import sys

import sqlalchemy
from alembic import command
from mlflow.store.db.utils import _get_alembic_config
from mlflow.store.tracking.dbmodels.initial_models import Base as InitialBase


def main():
    target = sys.argv[1]
    revision = sys.argv[2] if len(sys.argv) > 2 else "heads"
    url = target if target.startswith(("postgresql://", "mysql+pymysql://")) else \
        "sqlite:///" + os.path.abspath(target)
    engine = sqlalchemy.create_engine(url)
    InitialBase.metadata.create_all(engine)
    with engine.begin() as connection:
        config = _get_alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


if __name__ == "__main__":
    main()
