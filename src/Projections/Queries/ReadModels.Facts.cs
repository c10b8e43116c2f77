using PointsEngine.Domain.Values;
using PointsEngine.Projections.Activity;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

/// Where a recorded fact sits in the log, by its id, from the activity projection's fact table.
public sealed record FactLocated(LogPosition Checkpoint, LogPosition? Position);

public sealed partial class ReadModels
{
    /// The log position of the recorded fact <paramref name="id"/> if the activity projection has applied it,
    /// and how far that projection had read. The checkpoint is read first: every fact at or below it is in
    /// the table (rows and checkpoint commit together), so a fact not found may only lie above the checkpoint.
    public Task<FactLocated> LocateFactAsync(FactId id, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var checkpoint = (await r.QueryAsync(
                "SELECT position FROM projection_generations WHERE projection = @p AND generation = @g",
                x => Storage.Sql.Long(x, 0), ct, ("@p", ActivityProjection.ProjectionName), ("@g", r.ActivityGeneration)).ConfigureAwait(false)).SingleOrDefault();
            var at = await r.QueryAsync("SELECT position FROM {a}facts WHERE fact_id = @f", x => Storage.Sql.Long(x, 0), ct, ("@f", id.Value))
                .ConfigureAwait(false);
            return new FactLocated(new LogPosition(checkpoint), at.Count == 0 ? null : new LogPosition(at[0]));
        }, ct);
}
