using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

/// The row behind each generation of a projection's tables: how far it has read the log, whether it is
/// the one queries use, and the schema it was built with. The checkpoint is this row's position, moved
/// in the same transaction as the rows the batch wrote.
internal sealed record Generation(int Number, LogPosition Position, bool Active, string SchemaHash);

internal static partial class Generations
{
    public const string Table = """
        CREATE TABLE IF NOT EXISTS projection_generations (
            projection  TEXT    NOT NULL,
            generation  INTEGER NOT NULL,
            position    BIGINT  NOT NULL,
            active      INTEGER NOT NULL,
            schema_hash TEXT    NOT NULL,
            PRIMARY KEY (projection, generation)
        )
        """;

    public static string SchemaHash(IProjection projection) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", projection.Schema))))[..16];

    public static async Task<List<Generation>> ListAsync(Sql sql, string projection, CancellationToken ct) =>
        await sql.QueryAsync(
            "SELECT generation, position, active, schema_hash FROM projection_generations WHERE projection = @p ORDER BY generation",
            r => new Generation((int)Sql.Long(r, 0), new LogPosition(Sql.Long(r, 1)), Sql.Long(r, 2) == 1, r.GetString(3)),
            ct, ("@p", projection)).ConfigureAwait(false);

    /// Creates the generation's tables and its bookkeeping row. With <paramref name="deferIndexes"/> the plain
    /// (non-unique) secondary indexes are not created but returned, resolved, to be created once the tables
    /// are filled: one sort per index instead of a B-tree insert per row. Unique indexes stay, since an
    /// upsert's ON CONFLICT needs them.
    public static async Task<List<string>> CreateAsync(ReadModelDatabase db, Sql sql, IProjection projection, int generation, bool active,
        CancellationToken ct, bool deferIndexes = false)
    {
        var prefix = new TablePrefix(projection.Name, generation);
        await DropTablesAsync(db, sql, prefix.Value, ct).ConfigureAwait(false); // leftovers of a crashed attempt
        var deferred = new List<string>();
        foreach (var statement in projection.Schema)
        {
            if (deferIndexes && PlainIndex().IsMatch(statement)) deferred.Add(db.Dialect(prefix.Resolve(statement)));
            else await sql.ExecuteAsync(db.Dialect(prefix.Resolve(statement)), ct).ConfigureAwait(false);
        }
        await sql.ExecuteAsync("""
            INSERT INTO projection_generations (projection, generation, position, active, schema_hash)
            VALUES (@p, @g, 0, @a, @h)
            """, ct, ("@p", projection.Name), ("@g", generation), ("@a", active ? 1 : 0), ("@h", SchemaHash(projection))).ConfigureAwait(false);
        return deferred;
    }

    [GeneratedRegex(@"^\s*CREATE\s+INDEX\s", RegexOptions.IgnoreCase)]
    private static partial Regex PlainIndex();

    public static async Task DropAsync(ReadModelDatabase db, Sql sql, string projection, int generation, CancellationToken ct)
    {
        await DropTablesAsync(db, sql, new TablePrefix(projection, generation).Value, ct).ConfigureAwait(false);
        await sql.ExecuteAsync("DELETE FROM projection_generations WHERE projection = @p AND generation = @g", ct,
            ("@p", projection), ("@g", generation)).ConfigureAwait(false);
    }

    private static async Task DropTablesAsync(ReadModelDatabase db, Sql sql, string prefix, CancellationToken ct)
    {
        var tables = await sql.QueryAsync(db.ListTables, r => r.GetString(0), ct, ("@prefix", prefix)).ConfigureAwait(false);
        foreach (var table in tables)
            await sql.ExecuteAsync($"DROP TABLE IF EXISTS {table}", ct).ConfigureAwait(false);
    }

    /// Moves the checkpoint, and only if nobody else moved it first: another process (or an earlier run of
    /// this one) that applied the same events has already committed them, and applying them again would
    /// count them twice. First statement of the batch, so PostgreSQL locks the row for the whole batch.
    public static async Task<bool> TryAdvanceAsync(Sql sql, string projection, int generation, LogPosition from, LogPosition to, CancellationToken ct) =>
        await sql.ExecuteAsync("""
            UPDATE projection_generations SET position = @to
            WHERE projection = @p AND generation = @g AND position = @from
            """, ct, ("@p", projection), ("@g", generation), ("@from", from.Value), ("@to", to.Value)).ConfigureAwait(false) == 1;

    public static async Task ActivateAsync(Sql sql, string projection, int generation, CancellationToken ct) =>
        await sql.ExecuteAsync("UPDATE projection_generations SET active = CASE WHEN generation = @g THEN 1 ELSE 0 END WHERE projection = @p",
            ct, ("@p", projection), ("@g", generation)).ConfigureAwait(false);
}
