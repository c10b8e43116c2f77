using Npgsql;

namespace PointsEngine.Store.Postgres;

/// <see cref="ICredentialStore"/> in the store's PostgreSQL database (tables made with the events'), shared
/// by every engine process on it.
public sealed class PostgresCredentialStore(PostgresEventStore store) : ICredentialStore
{
    public async Task<string?> FindHashAsync(string stamp, CancellationToken ct = default) =>
        await ScalarAsync("SELECT hash FROM credentials WHERE stamp = $1", ct, stamp).ConfigureAwait(false) as string;

    public Task PutHashAsync(string stamp, string hash, CancellationToken ct = default) =>
        ExecAsync("INSERT INTO credentials (stamp, hash) VALUES ($1, $2) ON CONFLICT (stamp) DO NOTHING", ct, stamp, hash);

    public Task ForgetHashAsync(string stamp, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM credentials WHERE stamp = $1", ct, stamp);

    public async Task<long> LockedUntilAsync(string login, CancellationToken ct = default) =>
        await ScalarAsync("SELECT locked_until FROM sign_in_failures WHERE login = $1", ct, login).ConfigureAwait(false) is long until ? until : 0;

    public async Task<int> AddFailureAsync(string login, long atMs, long forgetAfterMs, CancellationToken ct = default) =>
        (int)(await ScalarAsync("""
            INSERT INTO sign_in_failures (login, failures, locked_until, last_at) VALUES ($1, 1, 0, $2)
            ON CONFLICT (login) DO UPDATE SET
                failures = CASE WHEN sign_in_failures.last_at < $2 - $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
                last_at = $2
            RETURNING failures
            """, ct, login, atMs, forgetAfterMs).ConfigureAwait(false))!;

    public Task LockAsync(string login, long untilMs, CancellationToken ct = default) =>
        ExecAsync("UPDATE sign_in_failures SET locked_until = greatest(locked_until, $2) WHERE login = $1", ct, login, untilMs);

    public Task ClearFailuresAsync(string login, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM sign_in_failures WHERE login = $1", ct, login);

    public async Task<long> SessionSeenAsync(string session, CancellationToken ct = default) =>
        await ScalarAsync("SELECT seen_at FROM session_seen WHERE session = $1", ct, session).ConfigureAwait(false) is long at ? at : 0;

    public Task SeeSessionAsync(string session, long atMs, CancellationToken ct = default) =>
        ExecAsync("INSERT INTO session_seen (session, seen_at) VALUES ($1, $2) ON CONFLICT (session) DO UPDATE SET seen_at = greatest(session_seen.seen_at, excluded.seen_at)", ct, session, atMs);

    public Task PruneFailuresAsync(long beforeMs, CancellationToken ct = default) =>
        ExecAsync("DELETE FROM sign_in_failures WHERE last_at < $1 AND locked_until < $1", ct, beforeMs);

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = Command(sql, values);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private async Task ExecAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = Command(sql, values);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private NpgsqlCommand Command(string sql, object[] values)
    {
        var cmd = store.Readers.CreateCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return cmd;
    }
}
