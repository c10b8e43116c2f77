using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Runner;

/// What a projection writes through: SQL with {p} resolved to its generation's tables, inside the
/// transaction that also moves the checkpoint.
///
/// <paramref name="filling"/>: the batch fills a generation of a rebuild, which nothing reads or follows until
/// the fill is over; a projection may then leave out rows it can derive from its other tables in bulk at the
/// end of the fill (<see cref="IProjection.CompleteFillAsync"/>), as long as what it derives is exactly what
/// applying every event one by one gives.
public sealed class ProjectionWriter(Sql sql, TablePrefix prefix, bool filling = false)
{
    public bool Filling => filling;

    /// A write whose row count the projection does not need. On PostgreSQL the runner sends such writes
    /// together, one round trip for many, before the next statement that needs an answer and before the commit.
    public Task WriteAsync(string template, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        sql.QueueAsync(prefix.Resolve(template), ct, parameters);

    public Task<int> ExecuteAsync(string template, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        sql.ExecuteAsync(prefix.Resolve(template), ct, parameters);

    public Task<object?> ScalarAsync(string template, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        sql.ScalarAsync(prefix.Resolve(template), ct, parameters);

    public Task<List<T>> QueryAsync<T>(string template, Func<System.Data.Common.DbDataReader, T> row, CancellationToken ct,
        params (string Name, object? Value)[] parameters) =>
        sql.QueryAsync(prefix.Resolve(template), row, ct, parameters);
}

/// rm_{projection}_{generation}_ and the templates resolved against it (cached: the same few statements
/// run for every event).
public sealed class TablePrefix(string projection, int generation)
{
    private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);

    public string Projection => projection;
    public int Generation => generation;
    public string Value { get; } = $"rm_{projection}_{generation}_";

    public string Resolve(string template)
    {
        lock (_resolved)
        {
            if (!_resolved.TryGetValue(template, out var sql))
                _resolved[template] = sql = template.Replace("{p}", Value, StringComparison.Ordinal);
            return sql;
        }
    }
}
