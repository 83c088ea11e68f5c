-- Second database on the compose PostgreSQL: Superset's metadata (Dagster uses `dagster`).
CREATE DATABASE superset;
