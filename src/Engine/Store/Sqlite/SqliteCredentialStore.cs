using Microsoft.Data.Sqlite;

namespace PointsEngine.Store.Sqlite;

/// <see cref="ICredentialStore"/> in the store's SQLite file (tables made with the events'). Written through
/// the durable connection: a new password must survive a power loss as surely as the event naming it.
public sealed class SqliteCredentialStore(SqliteEventStore store) : ICredentialStore
{
    public async Task<string?> FindHashAsync(string stamp, CancellationToken ct = default) =>
        await ScalarAsync("SELECT hash FROM credentials WHERE stamp = $a", ct, stamp).ConfigureAwait(false) as string;

    public Task PutHashAsync(string stamp, string hash, CancellationToken ct = default) =>
        ExecAsync("INSERT INTO credentials (stamp, hash) VALUES ($a, $b) ON CONFLICT (stamp) DO NOTHING", ct, stamp, hash);

    public Task ForgetHashAsync(string stamp, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM credentials WHERE stamp = $a", ct, stamp);

    public async Task<long> LockedUntilAsync(string login, CancellationToken ct = default) =>
        await ScalarAsync("SELECT locked_until FROM sign_in_failures WHERE login = $a", ct, login).ConfigureAwait(false) is long until ? until : 0;

    public async Task<int> AddFailureAsync(string login, long atMs, long forgetAfterMs, CancellationToken ct = default) =>
        (int)(long)(await ScalarAsync("""
            INSERT INTO sign_in_failures (login, failures, locked_until, last_at) VALUES ($a, 1, 0, $b)
            ON CONFLICT (login) DO UPDATE SET
                failures = CASE WHEN sign_in_failures.last_at < $b - $c THEN 1 ELSE sign_in_failures.failures + 1 END,
                last_at = $b
            RETURNING failures
            """, ct, login, atMs, forgetAfterMs).ConfigureAwait(false))!;

    public Task LockAsync(string login, long untilMs, CancellationToken ct = default) =>
        ExecAsync("UPDATE sign_in_failures SET locked_until = max(locked_until, $b) WHERE login = $a", ct, login, untilMs);

    public Task ClearFailuresAsync(string login, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM sign_in_failures WHERE login = $a", ct, login);

    public async Task<long> SessionSeenAsync(string session, CancellationToken ct = default) =>
        await ScalarAsync("SELECT seen_at FROM session_seen WHERE session = $a", ct, session).ConfigureAwait(false) is long at ? at : 0;

    public Task SeeSessionAsync(string session, long atMs, CancellationToken ct = default) =>
        ExecAsync("INSERT INTO session_seen (session, seen_at) VALUES ($a, $b) ON CONFLICT (session) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)", ct, session, atMs);

    public Task PruneFailuresAsync(long beforeMs, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM sign_in_failures WHERE last_at < $a AND locked_until < $a", ct, beforeMs);

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var c = await store.OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = Command(c, sql, values);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private async Task ExecAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var c = await store.OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = Command(c, sql, values);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, object[] values)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < values.Length; i++) cmd.Parameters.AddWithValue("$" + (char)('a' + i), values[i]);
        return cmd;
    }
}
