#!/usr/bin/env bash
# Regenerates the PostgreSQL migrations of the settings and logs contexts (src/Shared.Postgres) from
# the current model, as one initial migration each. Run it after merging branches that added SQLite
# migrations (src/Shared/Migrations, src/Shared/LogsMigrations): the SQLite sets are never touched.
# The cluster context (nodes, shared files, Data Protection keys) keeps its own migrations.
# Safe while no PostgreSQL installation exists outside tests; after a release, add incremental
# migrations instead (same command without the rm, a new name).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf src/Shared.Postgres/Migrations src/Shared.Postgres/LogsMigrations
ef() { dotnet ef migrations add "$@" --project src/Shared.Postgres --startup-project src/Shared.Postgres; }
ef PgSettingsInitial --context MailHostDbContext --output-dir Migrations
ef PgLogsInitial --context LogsDbContext --output-dir LogsMigrations
if [ ! -d src/Shared.Postgres/ClusterMigrations ]; then
  ef PgClusterInitial --context ClusterDbContext --output-dir ClusterMigrations
fi
echo "regenerated: $(ls src/Shared.Postgres/Migrations src/Shared.Postgres/LogsMigrations | grep -c '\.cs$') files"
