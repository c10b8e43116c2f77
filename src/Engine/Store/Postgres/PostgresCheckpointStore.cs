using Npgsql;

namespace PointsEngine.Store.Postgres;

public sealed class PostgresCheckpointStore(PostgresEventStore store) : ICheckpointStore
{
    public async Task<LogPosition> LoadAsync(string consumer, CancellationToken ct = default)
    {
        await using var cmd = store.Readers.CreateCommand("SELECT position FROM checkpoints WHERE consumer = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = consumer });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long p ? new LogPosition(p) : LogPosition.Start;
    }

    public async Task SaveAsync(string consumer, LogPosition position, CancellationToken ct = default)
    {
        // Never moves backwards: a slow save must not undo a later one.
        await using var cmd = store.Readers.CreateCommand("""
            INSERT INTO checkpoints (consumer, position) VALUES ($1, $2)
            ON CONFLICT (consumer) DO UPDATE SET position = greatest(checkpoints.position, excluded.position)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = consumer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = position.Value });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
