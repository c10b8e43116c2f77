using System.Data.Common;
using PointsEngine.Projections.Activity;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Standings;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

/// The questions people ask of the read models: standings, rankings, evidence, dashboards, warnings.
/// Each query reads the active generation of each projection, so a rebuild in progress is invisible
/// until it switches.
public sealed partial class ReadModels(ReadModelDatabase database, EventSerializer serializer, ReadModelOptions? options = null)
{
    private readonly ReadModelOptions _options = options ?? new ReadModelOptions();
    private readonly RuleBookCache _ruleBooks = new();

    public ReadModels(IEventStore store, EventSerializer serializer, ReadModelOptions? options = null)
        : this(ReadModelDatabase.For(store), serializer, options) { }

    public ReadModelOptions Options => _options;

    /// The projections this query layer reads, for the runner.
    public static IReadOnlyList<IProjection> Projections(EventSerializer serializer) =>
        [new StandingsProjection(serializer), new ActivityProjection()];

    private async Task<T> ReadAsync<T>(Func<Reader, Task<T>> query, CancellationToken ct)
    {
        // A rebuild may switch generations and drop the old tables between our two statements; the
        // retry then finds the new generation.
        for (var attempt = 1; ; attempt++)
        {
            await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
            await using var sql = new Sql(c);
            var prefixes = await ActiveGenerationsAsync(sql, ct).ConfigureAwait(false);
            var standings = prefixes.FirstOrDefault(p => p.Name == StandingsProjection.ProjectionName);
            var activity = prefixes.FirstOrDefault(p => p.Name == ActivityProjection.ProjectionName);
            if (standings.Name is null || activity.Name is null)
                throw new InvalidOperationException("The read models are not initialised; start the projection runner first.");
            var reader = new Reader(sql, new TablePrefix(standings.Name, standings.Generation), new TablePrefix(activity.Name, activity.Generation), serializer,
                database, _ruleBooks);
            try
            {
                return await query(reader).ConfigureAwait(false);
            }
            catch (DbException) when (attempt < 3)
            {
                // Retried only if the generation moved; anything else is a real failure.
                await using var check = new Sql(c);
                var now = await ActiveGenerationsAsync(check, ct).ConfigureAwait(false);
                if (now.OrderBy(p => p.Name).SequenceEqual(prefixes.OrderBy(p => p.Name))) throw;
            }
        }
    }

    private static Task<List<(string Name, int Generation)>> ActiveGenerationsAsync(Sql sql, CancellationToken ct) =>
        sql.QueryAsync("SELECT projection, generation FROM projection_generations WHERE active = 1",
            r => (r.GetString(0), (int)Sql.Long(r, 1)), ct);

    /// One query's view: SQL templates with {s} (standings) and {a} (activity) resolved to active tables.
    internal sealed class Reader(Sql sql, TablePrefix standings, TablePrefix activity, EventSerializer serializer, ReadModelDatabase database,
        RuleBookCache ruleBooks)
    {
        public EventSerializer Serializer => serializer;

        public RuleBookCache RuleBooks => ruleBooks;

        /// The activity projection's generation this view reads (its checkpoint row in projection_generations).
        public int ActivityGeneration => activity.Generation;

        private string Resolve(string template) =>
            database.Dialect(template.Replace("{s}", standings.Value, StringComparison.Ordinal).Replace("{a}", activity.Value, StringComparison.Ordinal));

        public Task<List<T>> QueryAsync<T>(string template, Func<DbDataReader, T> row, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
            sql.QueryAsync(Resolve(template), row, ct, parameters);
    }
}
