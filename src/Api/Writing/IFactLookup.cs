using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Store;

namespace PointsEngine.Api.Writing;

/// A fact as recorded: the fact, where it was written and by whom.
public sealed record RecordedFact(IFact Fact, StreamName Stream, StreamRevision Revision, LogPosition Position, string RecordedBy);

/// Finds recorded facts by id: the targets of revocations, assessments and awards, and a retried write's
/// first result. The simple implementation reads the store; a read-model lookup can replace it.
public interface IFactLookup
{
    /// The fact with this id wherever it was recorded, or null.
    Task<RecordedFact?> FindAsync(FactId id, CancellationToken ct = default);

    /// The fact with this id if it was recorded in <paramref name="stream"/>, or null.
    Task<RecordedFact?> FindInStreamAsync(FactId id, StreamName stream, CancellationToken ct = default);
}
