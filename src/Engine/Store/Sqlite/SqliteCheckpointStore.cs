namespace PointsEngine.Store.Sqlite;

public sealed class SqliteCheckpointStore(SqliteEventStore store) : ICheckpointStore
{
    public async Task<LogPosition> LoadAsync(string consumer, CancellationToken ct = default)
    {
        await using var c = await store.OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT position FROM checkpoints WHERE consumer = $c";
        cmd.Parameters.AddWithValue("$c", consumer);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long p ? new LogPosition(p) : LogPosition.Start;
    }

    public async Task SaveAsync(string consumer, LogPosition position, CancellationToken ct = default)
    {
        await using var c = await store.OpenDerivedAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        // Never moves backwards: a slow save must not undo a later one.
        cmd.CommandText = """
            INSERT INTO checkpoints (consumer, position) VALUES ($c, $p)
            ON CONFLICT (consumer) DO UPDATE SET position = max(position, excluded.position)
            """;
        cmd.Parameters.AddWithValue("$c", consumer);
        cmd.Parameters.AddWithValue("$p", position.Value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
