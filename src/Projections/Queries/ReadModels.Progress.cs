using System.Data.Common;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    /// How far every active read model has committed, as stored in the database: what a process that does
    /// not run the projections itself (a PostgreSQL follower) waits on. Null before the read models exist.
    public async Task<LogPosition?> ProjectedUpToAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        try
        {
            var positions = await sql.QueryAsync("SELECT position FROM projection_generations WHERE active = 1", r => Sql.Long(r, 0), ct)
                .ConfigureAwait(false);
            return positions.Count == 0 ? null : new LogPosition(positions.Min());
        }
        catch (DbException)
        {
            return null; // the bookkeeping table is not created yet
        }
    }
}
